"""The specs against a running Prometheus-compatible API (Prometheus, Thanos Query, Mimir).

`client` speaks the HTTP API, `observe` collects what one integration's selector and scrape
jobs see, `online` turns that into findings and `cost` into a series bill.
"""
