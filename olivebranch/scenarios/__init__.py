"""Sanctions-relief scenarios: packages of moves (``model``) applied to an EvaluationContext
(``apply``), evaluated across the deal catalogue and compared with the status quo
(``engine``), charted (``chart``)."""
