"""The staff workspaces (issue 6 part 2): the organization's queue, the case page with the
actions this user may take, and the arbitrators' hearing calendar."""
