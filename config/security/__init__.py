"""Defences of the whole site: response headers and CSP, rate limits, login throttling, security.txt.

See docs/SECURITY.md for what each part defends and how it is tested.
"""
