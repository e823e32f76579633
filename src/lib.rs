//! paysdk: typed clients for card-issuing and payment providers.
