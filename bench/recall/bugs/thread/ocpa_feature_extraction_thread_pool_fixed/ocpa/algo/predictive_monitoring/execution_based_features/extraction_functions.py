def number_of_events(case, ocel, params):
    return len(case.nodes)


def number_of_ending_events(case, ocel, params):
    return len([n for n in case.nodes if len(list(case.out_edges(n))) == 0])


def throughput_time(case, ocel, params):
    events = list(case.nodes)
    timestamps = [ocel.get_value(e, "event_timestamp") for e in events]
    return (max(timestamps) - min(timestamps)).total_seconds()


def number_of_objects(case, ocel, params):
    events = list(case.nodes)
    objects = set()
    for e in events:
        objects = objects.union(set(ocel.get_value(e, "event_objects")))
    return len(objects)


def unique_activites(case, ocel, params):
    events = list(case.nodes)
    activities = set([ocel.get_value(e, "event_activity") for e in events])
    return len(activities)
