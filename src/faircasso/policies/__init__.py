"""The law as versioned, date-effective rules: pure functions over values.

One module per rule: ``costs`` and ``recurring_costs`` (collection costs),
``letter`` (the 14-day letter), ``interest`` (statutory interest),
``allocation`` (payments over debts), ``settlement`` (the client's share),
``arrangements`` (instalments), ``limitation``, ``legal`` (the legal-track
estimate), ``triage`` and ``dso``. Figures that change over time come from
``tables``; ``registry`` recomputes a recorded result. See docs/rules.md.
"""
