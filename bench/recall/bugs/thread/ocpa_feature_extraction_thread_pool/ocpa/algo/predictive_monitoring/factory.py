"""ocpm/ocpa#7, PR #8: `factory.apply` extracted the features of every process execution on a
`multiprocessing.dummy` thread pool (`ThreadPool(workers)`, `pool.imap`). The work,
`_apply_to_process_execution`, is Python over the event log: a networkx subgraph per execution,
feature graphs built from dict look-ups (`ocel.get_value`), and the feature functions' loops over
events, timestamps and object sets. The issue: a thread pool should not be used for CPU-bound
jobs, a process pool is needed to speed up the extraction; PR #8 (merged) moved it to a process
pool, shuffling the executions, with a chunk size, adding results unordered. Shortened from the
ocpa 1.3.1 wheel, which still has the thread pool."""
import time
import tqdm
from multiprocessing.dummy import Pool as ThreadPool
import ocpa.algo.predictive_monitoring.event_based_features.extraction_functions as event_features
import ocpa.algo.predictive_monitoring.execution_based_features.extraction_functions as execution_features
from ocpa.algo.predictive_monitoring.obj import Feature_Storage

EVENT_BASED = "event_based"
EXECUTION_BASED = "execution_based"

EVENT_NUM_OF_OBJECTS = "num_objects"
EVENT_PRECEDING_ACTIVITES = "event_preceding_activities"
EVENT_PREVIOUS_ACTIVITY_COUNT = "event_previous_activity_count"
EVENT_CURRENT_ACTIVITIES = "event_current_activities"
EVENT_PREVIOUS_OBJECT_COUNT = "event_previous_object_count"
EVENT_ELAPSED_TIME = "event_elapsed_time"
EVENT_REMAINING_TIME = "event_remaining_time"

EXECUTION_NUM_OF_EVENTS = "num_events"
EXECUTION_NUM_OF_END_EVENTS = "num_end_events"
EXECUTION_THROUGHPUT = "exec_throughput"
EXECUTION_NUM_OBJECT = "exec_objects"
EXECUTION_UNIQUE_ACTIVITIES = "exec_uniq_activities"

VERSIONS = {
    EVENT_BASED: {EVENT_NUM_OF_OBJECTS: event_features.number_of_objects,
                  EVENT_PRECEDING_ACTIVITES: event_features.preceding_activities,
                  EVENT_PREVIOUS_ACTIVITY_COUNT: event_features.previous_activity_count,
                  EVENT_CURRENT_ACTIVITIES: event_features.current_activities,
                  EVENT_PREVIOUS_OBJECT_COUNT: event_features.previous_object_count,
                  EVENT_ELAPSED_TIME: event_features.elapsed_time,
                  EVENT_REMAINING_TIME: event_features.remaining_time,
                  },
    EXECUTION_BASED: {EXECUTION_NUM_OF_EVENTS: execution_features.number_of_events,
                      EXECUTION_NUM_OF_END_EVENTS: execution_features.number_of_ending_events,
                      EXECUTION_THROUGHPUT: execution_features.throughput_time,
                      EXECUTION_NUM_OBJECT: execution_features.number_of_objects,
                      EXECUTION_UNIQUE_ACTIVITIES: execution_features.unique_activites,
                      }
}


def _apply_to_process_execution(args):
    (c_id, ocel, event_based_features, execution_based_features, event_attributes, event_object_attributes, execution_object_attributes, multi_output_features) = args
    case = ocel.process_executions[c_id]
    case_graph = ocel.graph.eog.subgraph(case)
    feature_graph = Feature_Storage.Feature_Graph(
        pexec_id=c_id, graph=case_graph, ocel=ocel)
    for execution_feature in execution_based_features:
        execution_function, params = execution_feature
        feature_graph.add_attribute(
            execution_feature, VERSIONS[EXECUTION_BASED][execution_function](case_graph, ocel, params))
        for (object_type, attr, fun) in execution_object_attributes:
            feature_graph.add_attribute(
                object_type + "_" + attr + fun.__name__, fun([object_type[attr]]))
    for node in feature_graph.nodes:
        for m_event_feature in multi_output_features:
            event_function, params = m_event_feature
            results = VERSIONS[EVENT_BASED][event_function](node, ocel, params)
            for res in results.keys():
                node.add_attribute(
                    (event_function, res), results[res])
        for event_feature in event_based_features:
            event_function, params = event_feature
            node.add_attribute(
                event_feature, VERSIONS[EVENT_BASED][event_function](node, ocel, params))
        for attr in event_attributes:
            node.add_attribute(attr, ocel.get_value(node.event_id, attr))
        for (object_type, attr, fun) in event_object_attributes:
            feature_graph.add_attribute(
                object_type + "_" + attr + fun.__name__, fun([object_type[attr]]))
    return feature_graph


def apply(ocel, event_based_features=[], execution_based_features=[], event_attributes=[], event_object_attributes=[], execution_object_attributes=[], workers = 4, multi_output_event_features = []):
    '''
    Creates a Feature Storage object from the object-centric event log considering the desired features.

    :param workers: Number of threads to extract the features
    :type workers: int
    '''
    ocel.log.log["event_objects"] = ocel.log.log.apply(
        lambda x: [(ot, o) for ot in ocel.object_types for o in x[ot]], axis=1)
    ocel.log.create_efficiency_objects()
    feature_storage = Feature_Storage(
        event_features=event_based_features, execution_features=execution_based_features, ocel=ocel)
    pool = ThreadPool(workers)
    parameter_space = [(c_id, ocel, event_based_features, execution_based_features, event_attributes, event_object_attributes, execution_object_attributes, multi_output_event_features) for c_id in range(0, len(ocel.process_executions))]
    print("Applying feature extraction to process executions")
    results = list(tqdm.tqdm(pool.imap(_apply_to_process_execution, parameter_space), total=len(parameter_space)))  # BUG: CCL201
    for f_g in results:
        feature_storage.add_feature_graph(f_g)
    del ocel.log.log["event_objects"]
    return feature_storage
