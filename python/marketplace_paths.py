"""Names plan-marshall's modules share (``marketplace_paths``)."""

NO_PLAN_SENTINEL = 'NO_PLAN'
"""The plan a build of no plan is filed under (``plans/NO_PLAN/build-results/``)."""
