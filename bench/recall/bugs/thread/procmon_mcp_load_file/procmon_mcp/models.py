from collections import defaultdict
from typing import Dict, List, Optional


class StringInterner:
    def __init__(self):
        self.string_to_id: Dict[str, int] = {}
        self.id_to_string: List[str] = []
        self.next_id = 0

    def get_id(self, s: Optional[str]) -> int:
        if s is None:
            return -1
        sid = self.string_to_id.get(s)
        if sid is None:
            sid = self.next_id
            self.string_to_id[s] = sid
            self.id_to_string.append(s)
            self.next_id += 1
        return sid


class ProcmonLogData:
    def __init__(self, load_stack_traces=True, load_extra_data=True, loaded_filename=None):
        self.load_stack_traces = load_stack_traces
        self.load_extra_data = load_extra_data
        self.loaded_filename = loaded_filename
        self.loaded_compression = None
        self.events: List[dict] = []
        self.processes_by_index: dict = {}
        self.interners: Dict[str, StringInterner] = {}
        self.pname_id_index = defaultdict(list)
        self.op_id_index = defaultdict(list)
        self.pid_index = defaultdict(list)
        self.path_id_index = defaultdict(list)

    def is_loaded(self) -> bool:
        return self.loaded_filename is not None and self.events is not None
