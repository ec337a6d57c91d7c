"""Test harness: the real app on an ephemeral port, a recording connector double, Teams-shaped activities."""
