//! Every generated operation's error decoding (`OperationError::from_response`) for both
//! provider specs, on an arbitrary status, headers and body. Contract: never a panic; the
//! error stands for the status it was given; a body that does not decode, or an undeclared
//! status, keeps the raw body it was given (up to the cap).
#![no_main]

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use libfuzzer_sys::fuzz_target;
use paysdk::raw::{enfuce_customer, weavr_payment_run};
use paysdk::runtime::{OperationError, RawBody, RawResponse};

fn check<E: OperationError>(response: &RawResponse) {
    let error = E::from_response(response);
    assert_eq!(error.status(), Some(response.status), "{}", E::OPERATION_ID);
    let _ = format!("{error} {error:?}");
}

/// Every operation of both specs.
macro_rules! all_operations {
    ($response:expr; $($module:ident :: { $($op:ident),+ $(,)? }),+ $(,)?) => {
        $($(check::<$module::errors::$op>($response);)+)+
    };
}

fuzz_target!(|data: &[u8]| {
    // Layout: 2 bytes status, 1 byte header count, then `name\0value\0` pairs, then the body.
    if data.len() < 3 {
        return;
    }
    let Ok(status) = StatusCode::from_u16(u16::from_be_bytes([data[0], data[1]]) % 1000) else {
        return;
    };
    let mut rest = &data[3..];
    let mut headers = HeaderMap::new();
    for _ in 0..data[2] % 8 {
        let mut parts = rest.splitn(3, |&b| b == 0);
        let (Some(name), Some(value), Some(tail)) = (parts.next(), parts.next(), parts.next())
        else {
            break;
        };
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            headers.append(n, v);
        }
        rest = tail;
    }
    let body = RawBody::capped(Bytes::copy_from_slice(rest));
    let response = RawResponse {
        status,
        headers,
        body: body.clone(),
    };
    // What every decoder is built from keeps the body it was given.
    if let Err(failure) = response.decode::<serde_json::Value>() {
        assert_eq!(failure.status(), status);
        assert_eq!(failure.body(), &body);
    }
    assert_eq!(response.undeclared().body(), &body);
    assert_eq!(response.undeclared().status(), status);

    all_operations!(&response;
        enfuce_customer::{
            GetCustomerUsingGetError, GetCustomerByCustomerNumberUsingGetError,
            GetCustomerIdByRegNoUsingGetError, CreatePrivateCustomerUsingPostError,
            CreateCorporateCustomerUsingPostError, UpdatePrivateCustomerUsingPatchError,
            UpdateCorporateCustomerUsingPatchError, UpdateCustomerUsingPostError,
            GetLinkedCustomersUsingGetError, CreateLinkedCustomerUsingPostError,
            DeleteLinkedCustomerUsingDeleteError,
        },
        weavr_payment_run::{
            AcquireAuthTokenError, LogoutError, GetLinkedAccountsError, GetLinkedAccountsIdError,
            PatchLinkedAccountsIdError, UnlinkLinkedAccountsIdError, GetInstitutionsError,
            PostLinkedAccountsError,
        },
    );
});
