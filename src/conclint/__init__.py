"""conclint: a static linter for Python concurrency misuse."""

__version__ = "0.1.0"

# Where the project lives, and each rule's generated page in it (rules/CODE.md): the one place
# tools that link to the documentation (SARIF's helpUri) take the address from.
REPOSITORY_URL = "https://github.com/conclint/conclint"
RULE_PAGE_URL = REPOSITORY_URL + "/blob/main/rules/{code}.md"
