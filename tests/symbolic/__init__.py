"""Tests of lossaudit.symbolic on tables of small cases, built directly (no catalog, no audit)."""
