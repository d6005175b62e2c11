import IR

/// Namespace of the Starlark interpreter: syntax (lexer, parser, AST),
/// resolver, compiler to closures, values, builtins and the embedding API.
public enum Starlark {}
