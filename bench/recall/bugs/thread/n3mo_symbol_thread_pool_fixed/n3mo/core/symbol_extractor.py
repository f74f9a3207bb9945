from tree_sitter import Language, Parser
import uuid
import os

# --- MULTI-LANGUAGE BINDINGS LOAD ---
LANGUAGES = {}


def load_lang(name, module_name, lang_func_name="language"):
    try:
        mod = __import__(module_name)
        func = getattr(mod, lang_func_name)
        LANGUAGES[name] = Language(func())
    except Exception:
        pass


load_lang("python", "tree_sitter_python", "language")
load_lang("javascript", "tree_sitter_javascript", "language")
load_lang("go", "tree_sitter_go", "language")


def get_parser(lang_name):
    if lang_name not in LANGUAGES:
        return None
    try:
        return Parser(LANGUAGES[lang_name])
    except ValueError:
        return None


PY_LANGUAGE = LANGUAGES.get("python")


def extract_symbols(file_path):
    """
    Reads the file and calls the appropriate parser based on the file extension.
    """
    try:
        if not os.path.exists(file_path):
            return [], [], []
        with open(file_path, "rb") as f:
            code_bytes = f.read()
        ext = os.path.splitext(file_path)[1].lower()
        if ext == ".py":
            return extract_symbols_imports_calls(code_bytes, file_path)
        elif ext in (".js", ".jsx"):
            return extract_generic(code_bytes, file_path, "javascript")
        elif ext == ".go":
            return extract_generic(code_bytes, file_path, "go")
        else:
            return [], [], []
    except Exception as e:
        print(f"Error reading/extracting {file_path}: {e}")
        return [], [], []


def extract_generic(code_bytes, file_path, lang_name):
    parser_instance = get_parser(lang_name)
    if not parser_instance:
        return [], [], []
    tree = parser_instance.parse(code_bytes)
    symbols = []
    imports = []
    calls = []
    _visit_generic(tree.root_node, None, symbols, calls, imports, file_path, lang_name)
    return symbols, imports, calls


def _visit_generic(node, current_scope_id, symbols, calls, imports, file_path, lang):
    node_type = node.type
    new_scope_id = current_scope_id
    kind = None
    name = None
    if node_type in ("class_declaration", "type_declaration"):
        kind = "CLASS"
    elif node_type in ("function_declaration", "method_definition", "method_declaration"):
        kind = "FUNCTION"
    elif node_type == "call_expression":
        func_node = node.child_by_field_name("function")
        if func_node and current_scope_id:
            calls.append({
                "id": str(uuid.uuid4()),
                "source_symbol_id": current_scope_id,
                "call_name": func_node.text.decode("utf-8", errors="ignore"),
                "line_number": node.start_point[0] + 1,
            })
    elif node_type in ("import_statement", "import_spec"):
        source_node = node.child_by_field_name("source") or node.child_by_field_name("path")
        if source_node:
            imports.append({
                "id": str(uuid.uuid4()),
                "file_path": file_path,
                "module": source_node.text.decode("utf-8", errors="ignore").strip("'\""),
                "name": None,
                "alias": None,
            })
    if kind:
        name_node = node.child_by_field_name("name")
        if name_node:
            name = name_node.text.decode("utf-8", errors="ignore")
    if kind and name:
        symbol_id = str(uuid.uuid4())
        symbols.append({
            "id": symbol_id,
            "parent_id": current_scope_id,
            "name": name,
            "kind": kind,
            "file_path": file_path,
            "start_line": node.start_point[0] + 1,
            "end_line": node.end_point[0] + 1,
            "signature": f"{kind.lower()} {name}...",
        })
        new_scope_id = symbol_id
    for child in node.children:
        _visit_generic(child, new_scope_id, symbols, calls, imports, file_path, lang)


def extract_symbols_imports_calls(code_bytes, file_path="unknown"):
    """
    Returns: (symbols, imports, calls)
    """
    if not PY_LANGUAGE:
        return [], [], []
    try:
        local_parser = Parser(PY_LANGUAGE)
    except ValueError:
        return [], [], []
    tree = local_parser.parse(code_bytes)
    root_node = tree.root_node
    symbols = []
    imports = []
    calls = []
    _visit_definitions_and_calls(root_node, None, symbols, calls, file_path)
    _visit_imports(root_node, imports, file_path)
    return symbols, imports, calls


def _visit_definitions_and_calls(node, current_scope_id, symbols, calls, file_path):
    node_type = node.type
    new_scope_id = current_scope_id
    kind = None
    if node_type == "function_definition":
        kind = "FUNCTION"
    elif node_type == "class_definition":
        kind = "CLASS"
    if kind:
        name_node = node.child_by_field_name("name")
        name = name_node.text.decode("utf8") if name_node else "anon"
        symbol_id = str(uuid.uuid4())
        symbols.append({
            "id": symbol_id,
            "parent_id": current_scope_id,
            "name": name,
            "kind": kind,
            "file_path": file_path,
            "start_line": node.start_point[0] + 1,
            "end_line": node.end_point[0] + 1,
            "signature": f"{kind.lower()} {name}...",
        })
        new_scope_id = symbol_id
    elif node_type == "call":
        func_node = node.child_by_field_name("function")
        if func_node:
            call_text = func_node.text.decode("utf8")
            if current_scope_id:
                calls.append({
                    "id": str(uuid.uuid4()),
                    "source_symbol_id": current_scope_id,
                    "call_name": call_text,
                    "line_number": node.start_point[0] + 1,
                })
    for child in node.children:
        _visit_definitions_and_calls(child, new_scope_id, symbols, calls, file_path)


def _visit_imports(node, imports_list, file_path):
    if node.type == "import_statement":
        for child in node.children:
            if child.type == "dotted_name":
                _add_import(imports_list, file_path, module=child.text.decode("utf8"))
    elif node.type == "import_from_statement":
        module_node = node.child_by_field_name("module_name")
        module_name = module_node.text.decode("utf8") if module_node else "."
        for child in node.children:
            if child.type == "dotted_name" and child != module_node:
                _add_import(imports_list, file_path, module=module_name, name=child.text.decode("utf8"))
    for child in node.children:
        _visit_imports(child, imports_list, file_path)


def _add_import(imports_list, file_path, module, name=None, alias=None):
    imports_list.append({
        "id": str(uuid.uuid4()),
        "file_path": file_path,
        "module": module,
        "name": name,
        "alias": alias,
    })
