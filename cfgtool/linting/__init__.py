"""The lint engine: rules over the AST, configuration, suppressions, fixes."""
