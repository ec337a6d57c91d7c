"""`make bench`: speed and memory measured as ratios against baselines run in the same process tree."""
