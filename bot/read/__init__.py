"""The read side: the in-memory read model of the catalog (built in one read, shared by every
thread) and every answer made from reads. Never imports the feeds.
"""
