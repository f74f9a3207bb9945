#helper functions:
def get_recent_events(event, case_index, ocel):
    case = ocel.process_executions[case_index]
    subset_events = []
    for e in case:
        if ocel.get_value(e, "event_timestamp") <= ocel.get_value(event, "event_timestamp"):
            subset_events.append(e)
    return subset_events


#Control Flow
def current_activities(node, ocel, params):
    act = params[0]
    e_id = node.event_id
    cases = ocel.process_execution_mappings[e_id]
    value_array = []
    for case in cases:
        c_res = 0
        recent_events = get_recent_events(e_id, case, ocel)
        subgraph = ocel.graph.eog.subgraph(recent_events)
        end_nodes = [n for n in subgraph.nodes if len(list(subgraph.out_edges(n))) == 0]
        for e in end_nodes:
            if ocel.get_value(e, "event_activity") == act:
                c_res = 1
        value_array.append(c_res)
    return sum(value_array) / len(value_array)


def preceding_activities(node, ocel, params):
    act = params[0]
    e_id = node.event_id
    in_edges = ocel.graph.eog.in_edges(e_id)
    count = 0
    for (source, target) in in_edges:
        if ocel.get_value(source, "event_activity") == act:
            count += 1
    return count


def previous_activity_count(node, ocel, params):
    act = params[0]
    e_id = node.event_id
    cases = ocel.process_execution_mappings[e_id]
    value_array = []
    for c in cases:
        c_count = 0
        case = ocel.process_executions[c]
        for e in case:
            if ocel.get_value(e, "event_timestamp") > ocel.get_value(e_id, "event_timestamp"):
                continue
            else:
                if ocel.get_value(e, "event_activity") == act:
                    c_count += 1
        value_array += [c_count]
    return sum(value_array) / len(value_array)


def elapsed_time(node, ocel, params):
    e_id = node.event_id
    cases = ocel.process_execution_mappings[e_id]
    value_array = []
    for case in cases:
        events = get_recent_events(e_id, case, ocel)
        timestamps = [ocel.get_value(e, "event_timestamp") for e in events]
        duration = (max(timestamps) - min(timestamps)).total_seconds()
        value_array.append(duration)
    return sum(value_array) / len(value_array)


def remaining_time(node, ocel, params):
    e_id = node.event_id
    value_array = []
    for case in [node.pexec_id]:
        prev_events = get_recent_events(e_id, case, ocel)
        following_events = [e for e in ocel.process_executions[case] if e not in prev_events]
        following_events.append(e_id)
        timestamps = [ocel.get_value(e, "event_timestamp") for e in following_events]
        duration = (max(timestamps) - min(timestamps)).total_seconds()
        value_array.append(duration)
    return sum(value_array) / len(value_array)


def previous_object_count(node, ocel, params):
    e_id = node.event_id
    cases = ocel.process_execution_mappings[e_id]
    value_array = []
    for c in cases:
        all_obs = set()
        events = get_recent_events(e_id, c, ocel)
        for e in events:
            all_obs = all_obs.union(set(ocel.get_value(e, "event_objects")))
        value_array += [len(list(all_obs))]
    return sum(value_array) / len(value_array)


def number_of_objects(node, ocel, params):
    return len(ocel.get_value(node.event_id, "event_objects"))
