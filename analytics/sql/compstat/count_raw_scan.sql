-- One disjoint registration-date span of raw incidents (a plain range predicate: zonemaps prune it).
SELECT /*dims*/ registered_on AS day FROM incidents WHERE registered_on BETWEEN ? AND ? /*filters*/
