"""XML parsing logic for Procmon XML files."""
import gzip
import logging
import os
from datetime import datetime, timezone
from typing import IO, Any, Dict, Iterator, Optional

from .compat import ET_impl
from .models import ProcmonLogData, StringInterner

logger = logging.getLogger(__name__)

PROCMON_TIMESTAMP_FORMAT = "%I:%M:%S.%f %p"
BASE_DATE = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _strip_namespace(tag: str) -> str:
    return tag.split('}', 1)[1] if '}' in tag else tag


def find_text_func(elem, name: str) -> Optional[str]:
    child = elem.find(name)
    return child.text if child is not None else None


def _parse_xml_stream_for_loading(
    source_stream: IO[bytes],
    interners: Dict[str, StringInterner],
    load_extra: bool,
) -> Iterator[Dict[str, Any]]:
    context = ET_impl.iterparse(source_stream, events=('start', 'end'),
                                tag=('event', 'eventlist', 'procmon'))
    current_processing_date = BASE_DATE.date()
    for event_type, elem in context:
        tag = _strip_namespace(elem.tag)
        if event_type == 'end' and tag == 'event':
            pid_str = find_text_func(elem, 'PID')
            ts_str = find_text_func(elem, 'Time_of_Day')
            pid = int(pid_str) if pid_str else None
            ts_float = None
            if ts_str:
                parts = ts_str.split('.', 1)
                fractional_part = parts[1][:6].ljust(6, '0') if len(parts) > 1 else "000000"
                parsed_time_obj = datetime.strptime(f"{parts[0]}.{fractional_part}",
                                                    PROCMON_TIMESTAMP_FORMAT).time()
                full_dt = datetime.combine(current_processing_date, parsed_time_obj, tzinfo=timezone.utc)
                ts_float = full_dt.timestamp()
            if pid is None or ts_float is None:
                elem.clear()
                continue

            opt_event: Dict[str, Any] = {
                'pid': pid,
                'ts': ts_float,
                'detail': find_text_func(elem, 'Detail'),
            }
            opt_event['pname_id'] = interners['process_name'].get_id(find_text_func(elem, 'Process_Name'))
            opt_event['op_id'] = interners['operation'].get_id(find_text_func(elem, 'Operation'))
            opt_event['path_id'] = interners['path'].get_id(find_text_func(elem, 'Path'))
            opt_event['res_id'] = interners['result'].get_id(find_text_func(elem, 'Result'))

            if load_extra:
                extra_data_dict = {}
                for child in elem:
                    child_tag_clean = _strip_namespace(child.tag)
                    if child_tag_clean not in {'PID', 'Time_of_Day', 'Operation', 'Path',
                                               'Result', 'Detail', 'Process_Name'}:
                        if child.text:
                            extra_data_dict[child.tag] = child.text.strip()
                if extra_data_dict:
                    opt_event['extra_data'] = extra_data_dict

            yield opt_event
            elem.clear()


def load_procmon_xml(filename_abs: str, load_stack: bool, load_extra: bool,
                     use_cache: bool = True) -> ProcmonLogData:
    log_data = ProcmonLogData(
        load_stack_traces=load_stack,
        load_extra_data=load_extra,
        loaded_filename=os.path.basename(filename_abs),
    )
    open_func: Any = gzip.open if filename_abs.lower().endswith(".gz") else open
    log_data.interners = {name: StringInterner()
                          for name in ('process_name', 'operation', 'path', 'result')}

    with open_func(filename_abs, "rb") as f_stream:
        event_iterator = _parse_xml_stream_for_loading(f_stream, log_data.interners, load_extra)
        temp_event_list = []
        for idx, opt_event in enumerate(event_iterator):
            temp_event_list.append(opt_event)
            if opt_event.get('pname_id') is not None:
                log_data.pname_id_index[opt_event['pname_id']].append(idx)
            if opt_event.get('op_id') is not None:
                log_data.op_id_index[opt_event['op_id']].append(idx)
            log_data.pid_index[opt_event['pid']].append(idx)
            if opt_event.get('path_id') is not None:
                log_data.path_id_index[opt_event['path_id']].append(idx)
        log_data.events = temp_event_list

    logger.info(f"Loaded {len(log_data.events):,} events from {log_data.loaded_filename}.")
    return log_data
