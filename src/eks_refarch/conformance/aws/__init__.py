"""The AWS layer of the conformance suite: a read-only session, collectors, facts and rules."""
