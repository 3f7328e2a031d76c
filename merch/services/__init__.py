"""Operations: the domain's reads and writes, callable from pages, the API and the CLI."""
