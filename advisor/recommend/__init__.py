"""Per-task distill-vs-API recommendations: search, money, sharing, risk (entry: ``engine.recommend``)."""
