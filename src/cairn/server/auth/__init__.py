"""The team server's accounts: secrets (passwords, API keys) hashed and checked here, users and
roles kept in the store (``cairn.store.accounts``)."""
