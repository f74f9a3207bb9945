import os

IGNORED_DIRS = {
    "node_modules", ".git", "dist", "build", "__pycache__",
    ".venv", "venv", "env", "tests", "test", "examples", "fixtures",
}

EXTENSIONS = {".py": "python", ".js": "javascript", ".jsx": "javascript", ".go": "go"}


def detect_language(filename):
    return EXTENSIONS.get(os.path.splitext(filename)[1].lower())


def crawl_repo(repo_path):
    """
    Scans the repo and returns a list of file paths.
    """
    files = []
    for root, dirs, filenames in os.walk(repo_path):
        dirs[:] = [d for d in dirs if d.lower() not in IGNORED_DIRS]
        for filename in filenames:
            if not detect_language(filename):
                continue
            files.append(os.path.join(root, filename))
    return files


def crawl_directory(repo_path):
    return crawl_repo(repo_path)
