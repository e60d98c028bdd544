/**
 * The visits table's columns that make up the projection: all but `change_seq` (migration 16), the
 * marker of the row's last write. It counts writes, so it differs between a batched fold and one
 * event at a time that leave the same visits; tests comparing two folds compare these columns.
 */
export const VISIT_COLUMNS = 'id, business_date, station, number, status, department, priority, queue_key, called_counter, last_hlc, state, awaiting_delivery';
