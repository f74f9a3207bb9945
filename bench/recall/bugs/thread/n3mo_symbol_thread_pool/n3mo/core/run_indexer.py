"""RajX-dev/N3MO#31, PR #35: `run_indexer_for_path` submitted `parse_single_file` for every new
or modified file to a ThreadPoolExecutor ("Extracting symbols in parallel using ThreadPool").
The work is `symbol_extractor.extract_symbols`: a tree-sitter parse, then a recursive Python walk
over every node of the tree building symbol, call and import dicts. The maintainer's issue: with
the GIL the AST parsing logic is bottlenecked on a single core on large monorepos; PR #35
(merged) switched the pool to ProcessPoolExecutor, `parse_single_file` being a top-level,
picklable function already. Shortened from the n3mo 2.0.3 sdist (the code of the time)."""
import os
import logging
from concurrent.futures import as_completed

# --- DATABASE IMPORTS ---
from n3mo.core.database import (
    get_file_hashes,
    replace_file_index,
    upsert_file_hash,
)

# --- CRAWLER IMPORT ---
from n3mo.core.crawler import crawl_directory

# --- EXTRACTOR IMPORT ---
from n3mo.core.symbol_extractor import extract_symbols

logger = logging.getLogger("n3mo")


def parse_single_file(file_path):
    """
    Worker function to run CPU-bound tree-sitter AST parsing in parallel.
    Returns: (file_path, symbols, imports, calls, error_message)
    """
    try:
        result = extract_symbols(file_path)
        if isinstance(result, tuple) and len(result) == 3:
            symbols, imports, calls = result
        else:
            symbols = result
            imports = []
            calls = []
        return file_path, symbols, imports, calls, None
    except Exception as e:
        import traceback
        return file_path, [], [], [], f"{e}\n{traceback.format_exc()}"


def calculate_sha256(file_path):
    import hashlib
    sha256_hash = hashlib.sha256()
    try:
        with open(file_path, "rb") as f:
            for byte_block in iter(lambda: f.read(4096), b""):
                sha256_hash.update(byte_block)
        return sha256_hash.hexdigest()
    except Exception as e:
        logger.warning(f"Warning: Could not calculate hash for {file_path}: {e}")
        return ""


def run_indexer_for_path(target_dir, project_id):
    existing_hashes = get_file_hashes(project_id)
    files = crawl_directory(target_dir)
    logger.info(f"   Found {len(files)} source files.")

    files_to_index = []
    for file_path in files:
        rel_path = os.path.relpath(file_path, target_dir)
        current_hash = calculate_sha256(file_path)
        if rel_path in existing_hashes and existing_hashes[rel_path] == current_hash:
            continue
        files_to_index.append((file_path, rel_path, current_hash))

    symbol_count = 0
    indexed_count = 0
    if files_to_index:
        logger.info(f"Extracting symbols in parallel using ThreadPool ({min(len(files_to_index), os.cpu_count() or 2)} workers)...")

        from concurrent.futures import ThreadPoolExecutor
        max_workers = min(len(files_to_index), os.cpu_count() or 2)
        with ThreadPoolExecutor(max_workers=max_workers) as executor:
            future_to_file = {
                executor.submit(parse_single_file, fpath): (fpath, rpath, chash)  # BUG: CCL201
                for fpath, rpath, chash in files_to_index
            }
            for future in as_completed(future_to_file):
                fpath, rpath, chash = future_to_file[future]
                try:
                    fpath_ret, symbols, imports, calls, error = future.result()
                    if error:
                        logger.warning(f"Warning: failed to parse {rpath}: {error}")
                        continue
                    # Save results to DB on main thread (safe and keeps DB code simple)
                    replace_file_index(project_id, rpath, symbols, imports, calls)
                    if chash:
                        upsert_file_hash(project_id, rpath, chash)
                    symbol_count += len(symbols)
                    indexed_count += 1
                except Exception as exc:
                    logger.warning(f"Warning: failed to index {rpath}: {exc}")

    return indexed_count, symbol_count
