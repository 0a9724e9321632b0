"""Our stand-in for a helper module of plan-marshall's test tree that the code index does not
hold: the one name the fetched tests import from it (a plan id that is valid where a plan id is
read). Copied next to the test files by scripts/reference-suites."""

CANONICAL_PLAN_ID = 'canonical-plan'
