"""The audit trail: every answer olivebranch gives, who asked, when, from which inputs.

Append-only and tamper-evident: each record carries the hash of the previous one, so editing,
deleting or re-ordering a record breaks the chain (``olivebranch audit verify``). Records name
their inputs by version and content hash (list versions, rule packs, scenario chain, deal
revision) and keep the contents that are not in the store already (rule packs, deals, scenarios)
once per hash, so ``olivebranch audit replay`` can compute the answer again from them.
"""
