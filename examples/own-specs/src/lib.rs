//! A crate with its own spec (`specs/parcels.yaml`, a courier's API written for this
//! example): `build.rs` generates the client, this line includes it as `parcels`.

paysdk::include_api!(pub parcels);
