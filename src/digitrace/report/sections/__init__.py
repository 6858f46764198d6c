"""One module per atlas section, each exposing ``build(ctx) -> Section``."""
