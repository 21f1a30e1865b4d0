"""Pure computation: no Django, no other Accord package (import-linter holds this).

Versions: each engine package whose results Accord stores owns its version string, `ENGINE_VERSION`,
exported by the package itself (`accord.engine.fair.ENGINE_VERSION`, `accord.engine.portfolio.ENGINE_VERSION`).
Bump it in the same change as anything that changes a result for the same input (a sampler, a
default, a formula, a rule of `accord.engine.money`), and say why beside it. Services store the
version with the seed and the input hash of every result, so any stored figure can be re-run and a
result from another engine version is recognised as such (and simulated again when its inputs are).
"""
