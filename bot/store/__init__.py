"""The store: ORM tables, the writes (one transaction per change, owned by the caller), the catalog's
version and the migrations.
"""
