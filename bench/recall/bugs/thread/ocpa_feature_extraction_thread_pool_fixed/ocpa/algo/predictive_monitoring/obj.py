class Feature_Storage:
    '''
    The Feature Storage class stores features extracted for an obejct-centric event log. It stores it in form of feature
    graphs: Each feature graph contains the features for a process execution in form of labeled nodes and graph properties.
    '''

    class Feature_Graph:
        class Node:
            def __init__(self, event_id, objects, pexec_id):
                self._event = event_id
                self._attributes = {}
                self._objects = objects
                self._pexec_id = pexec_id

            def add_attribute(self, key, value):
                self._attributes[key] = value

            def _get_attributes(self):
                return self._attributes

            def _get_event_id(self):
                return self._event

            def _get_pexec_id(self):
                return self._pexec_id

            event_id = property(_get_event_id)
            attributes = property(_get_attributes)
            pexec_id = property(_get_pexec_id)

        class Edge:
            def __init__(self, source, target, objects):
                self._source = source
                self._target = target
                self._objects = objects
                self._attributes = {}

        def __init__(self, pexec_id, graph, ocel):
            self._pexec_id = pexec_id
            self._nodes = [Feature_Storage.Feature_Graph.Node(e_id, ocel.get_value(e_id, "event_objects"), pexec_id) for e_id in
                           graph.nodes]
            self._node_mapping = {node.event_id: node for node in self._nodes}
            self._objects = {(source, target): set(ocel.get_value(source, "event_objects")).intersection(
                set(ocel.get_value(target, "event_objects"))) for source, target in graph.edges}
            self._edges = [Feature_Storage.Feature_Graph.Edge(
                source, target, objects=self._objects[(source, target)]) for source, target in graph.edges]
            self._attributes = {}

        def _get_nodes(self):
            return self._nodes

        def add_attribute(self, key, value):
            self._attributes[key] = value

        nodes = property(_get_nodes)

    def __init__(self, event_features, execution_features, ocel):
        self._event_features = event_features
        self._case_features = execution_features
        self._feature_graphs = []

    def _get_feature_graphs(self):
        return self._feature_graphs

    def _set_feature_graphs(self, feature_graphs):
        self._feature_graphs = feature_graphs

    def add_feature_graph(self, feature_graph):
        self.feature_graphs += [feature_graph]

    feature_graphs = property(_get_feature_graphs, _set_feature_graphs)
