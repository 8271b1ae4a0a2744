/**
 * The `alert.raised` receipt of an alert. Alerts are their own aggregate (`alert.<id>`), so they do
 * not enter the action's chain; `data.alert.actionId` links them. Delivery to channels is driven
 * from these receipts by a durable consumer, never inside the request.
 */
export { alertReceiptDraft as alertDraft } from '@oars/connectors';
