"""Orders (SPEC §1.5-§1.6): who sees which order (``visibility``), checkout and its
policies, the lifecycle and its time rules, mutual cancellation, collaboration (share, notes,
comments), milestones and hourly work, reviews, guarantee refunds, next steps, and the
projects that group orders."""
