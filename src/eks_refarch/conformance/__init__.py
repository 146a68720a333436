"""Conformance checks: does a live account, cluster or node match the documented design?"""
