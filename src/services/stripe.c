/*-------------------------------------------------------------------------
 *
 * stripe.c
 *		  Stripe API: charges, customers, refunds, invoices, payment intents,
 *		  subscriptions, balance transactions, products, prices, events,
 *		  disputes and payouts, as data.
 *
 * Facts from Stripe's API reference and official SDK: list endpoints page
 * by cursor (limit at most 100, starting_after = the last item's id,
 * has_more), newest first by "created"; amounts are integers in the
 * currency's smallest unit; times are whole Unix seconds, so a timestamptz
 * bound is rounded by its operator and stays exact (request.c).  An
 * expandable field holds an id or, when expanded, the object; the column
 * takes the id either way.  transfer_group is not pushed down: the API caps
 * that filter at 100 results, so pushing it could lose rows.
 *
 * The list parameters below are those of the official SDK's *ListParams at
 * this API version (stripe-python stripe/params/_<object>_list_params.py);
 * a filter whose parameter is an enum there takes only those values.
 * Filters left out on purpose: payouts' status (the filter knows pending,
 * paid, failed and canceled but not in_transit, a status payouts have, so
 * "status = 'in_transit'" could be neither sent nor answered with no rows),
 * balance transactions' payout (the object has no payout field to compare
 * with), products' ids (not with starting_after, so not pageable) and
 * subscriptions' current_period_end lower bounds (see below).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "service.h"

static const char *const stripe_headers[] = {
	"Stripe-Version: 2026-06-24.dahlia",
	NULL
};

/* created (or another time field) compared in whole seconds, exactly */
#define STRIPE_TIME_RANGE(column, param) \
	{column, PUSH_EQ, param, VALUE_EPOCH, NULL, true}, \
	{column, PUSH_GT, param "[gt]", VALUE_EPOCH, NULL, true}, \
	{column, PUSH_GE, param "[gte]", VALUE_EPOCH, NULL, true}, \
	{column, PUSH_LT, param "[lt]", VALUE_EPOCH, NULL, true}, \
	{column, PUSH_LE, param "[lte]", VALUE_EPOCH, NULL, true}

#define STRIPE_EQUALS(column) {column, PUSH_EQ, column, VALUE_TEXT, NULL, true}

/* an enum: Stripe refuses values it does not know, which match no row */
#define STRIPE_ENUM(column, values) \
	{column, PUSH_EQ, column, VALUE_TEXT, NULL, true, NULL, values}

/* Lists come newest first; no other order is available. */
static const SortSpec stripe_sorts[] = {
	{"created", NULL, ""},
	{NULL}
};

static const ColumnSpec stripe_charge_columns[] = {
	{"id", "text", "id", CONV_VALUE, "charge id (ch_...)"},
	{"amount", "bigint", "amount", CONV_VALUE, "amount in the currency's smallest unit"},
	{"amount_captured", "bigint", "amount_captured", CONV_VALUE, "amount captured"},
	{"amount_refunded", "bigint", "amount_refunded", CONV_VALUE, "amount refunded"},
	{"currency", "text", "currency", CONV_VALUE, "three-letter ISO currency code, lowercase"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"customer", "text", "customer", CONV_EXPANDABLE_ID, "customer id (cus_...)"},
	{"payment_intent", "text", "payment_intent", CONV_EXPANDABLE_ID, "payment intent id (pi_...)"},
	{"status", "text", "status", CONV_VALUE, "succeeded, pending or failed"},
	{"paid", "boolean", "paid", CONV_VALUE, "the charge succeeded or was authorized"},
	{"refunded", "boolean", "refunded", CONV_VALUE, "fully refunded"},
	{"disputed", "boolean", "disputed", CONV_VALUE, "disputed"},
	{"captured", "boolean", "captured", CONV_VALUE, "captured"},
	{"description", "text", "description", CONV_VALUE, "description"},
	{"transfer_group", "text", "transfer_group", CONV_VALUE, "transfer group"},
	{"card_brand", "text", "payment_method_details.card.brand", CONV_VALUE, "card brand"},
	{"card_last4", "text", "payment_method_details.card.last4", CONV_VALUE, "last four digits of the card"},
	{"billing_email", "text", "billing_details.email", CONV_VALUE, "billing e-mail"},
	{"receipt_email", "text", "receipt_email", CONV_VALUE, "receipt e-mail"},
	{"failure_code", "text", "failure_code", CONV_VALUE, "failure code"},
	{"metadata", "jsonb", "metadata", CONV_VALUE, "metadata set by you"},
	{"livemode", "boolean", "livemode", CONV_VALUE, "live (true) or test mode"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole charge as the API returned it"},
	{NULL}
};

static const PushdownSpec stripe_charge_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_EQUALS("customer"),
	STRIPE_EQUALS("payment_intent"),
	{NULL}
};

static const ColumnSpec stripe_customer_columns[] = {
	{"id", "text", "id", CONV_VALUE, "customer id (cus_...)"},
	{"email", "text", "email", CONV_VALUE, "e-mail address (= is case-sensitive, as in the API)"},
	{"name", "text", "name", CONV_VALUE, "full name or business name"},
	{"description", "text", "description", CONV_VALUE, "description"},
	{"phone", "text", "phone", CONV_VALUE, "phone number"},
	{"currency", "text", "currency", CONV_VALUE, "default currency"},
	{"balance", "bigint", "balance", CONV_VALUE, "balance in the currency's smallest unit"},
	{"delinquent", "boolean", "delinquent", CONV_VALUE, "has an unpaid invoice or failed charge"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"metadata", "jsonb", "metadata", CONV_VALUE, "metadata set by you"},
	{"livemode", "boolean", "livemode", CONV_VALUE, "live (true) or test mode"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole customer as the API returned it"},
	{NULL}
};

static const PushdownSpec stripe_customer_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_EQUALS("email"),
	{NULL}
};

/*
 * Writing customers: "Create a customer" is POST /v1/customers, "Update a
 * customer" POST /v1/customers/{id}, "Delete a customer" DELETE
 * /v1/customers/{id}, with form-encoded parameters (metadata as
 * metadata[key]=value; an empty value unsets a key, "metadata=" all of
 * them).  A POST carries an Idempotency-Key: "Subsequent requests with the
 * same key return the same result", so it may be sent again; a DELETE "is
 * idempotent by definition" and takes none (Stripe's "Idempotent requests",
 * docs.stripe.com/idempotency).
 */
static const char *const stripe_customer_write_columns[] = {
	"email", "name", "description", "phone", "metadata", NULL
};

static const WritesSpec stripe_customer_writes = {
	.insert = {"POST", "/v1/customers", stripe_customer_write_columns},
	.update = {"POST", "/v1/customers/{id}", stripe_customer_write_columns},
	.delete = {"DELETE", "/v1/customers/{id}"},
	.body = BODY_FORM,
	.idempotency_header = "Idempotency-Key",
};

static const ColumnSpec stripe_refund_columns[] = {
	{"id", "text", "id", CONV_VALUE, "refund id (re_...)"},
	{"amount", "bigint", "amount", CONV_VALUE, "amount in the currency's smallest unit"},
	{"currency", "text", "currency", CONV_VALUE, "three-letter ISO currency code, lowercase"},
	{"charge", "text", "charge", CONV_EXPANDABLE_ID, "refunded charge id (ch_...)"},
	{"payment_intent", "text", "payment_intent", CONV_EXPANDABLE_ID, "payment intent id (pi_...)"},
	{"reason", "text", "reason", CONV_VALUE, "duplicate, fraudulent, requested_by_customer or null"},
	{"status", "text", "status", CONV_VALUE, "pending, succeeded, failed or canceled"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"metadata", "jsonb", "metadata", CONV_VALUE, "metadata set by you"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole refund as the API returned it"},
	{NULL}
};

/*
 * Creating refunds: "Create a refund" is POST /v1/refunds with charge or
 * payment_intent (one of them), amount (default: all that is left), reason
 * and metadata.  A refund cannot be deleted, and only its metadata updated:
 * saas_fdw makes refunds, nothing more.
 */
static const char *const stripe_refund_insert_columns[] = {
	"charge", "payment_intent", "amount", "reason", "metadata", NULL
};

static const WritesSpec stripe_refund_writes = {
	.insert = {"POST", "/v1/refunds", stripe_refund_insert_columns},
	.update = {.refusal_hint = "A refund cannot be changed through saas_fdw; to give more back, INSERT another refund."},
	.delete = {.refusal_hint = "Stripe cannot delete a refund; to give more back, INSERT another refund."},
	.body = BODY_FORM,
	.idempotency_header = "Idempotency-Key",
};

static const PushdownSpec stripe_refund_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_EQUALS("charge"),
	STRIPE_EQUALS("payment_intent"),
	{NULL}
};

static const ColumnSpec stripe_invoice_columns[] = {
	{"id", "text", "id", CONV_VALUE, "invoice id (in_...)"},
	{"customer", "text", "customer", CONV_EXPANDABLE_ID, "customer id (cus_...)"},
	{"subscription", "text", "subscription", CONV_EXPANDABLE_ID, "subscription id (sub_...)"},
	{"status", "text", "status", CONV_VALUE, "draft, open, paid, uncollectible or void"},
	{"collection_method", "text", "collection_method", CONV_VALUE, "charge_automatically or send_invoice"},
	{"number", "text", "number", CONV_VALUE, "invoice number"},
	{"currency", "text", "currency", CONV_VALUE, "three-letter ISO currency code, lowercase"},
	{"amount_due", "bigint", "amount_due", CONV_VALUE, "amount due"},
	{"amount_paid", "bigint", "amount_paid", CONV_VALUE, "amount paid"},
	{"amount_remaining", "bigint", "amount_remaining", CONV_VALUE, "amount remaining"},
	{"subtotal", "bigint", "subtotal", CONV_VALUE, "total before discounts and taxes"},
	{"total", "bigint", "total", CONV_VALUE, "total"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"due_date", "timestamptz", "due_date", CONV_VALUE, "due date (send_invoice only)"},
	{"metadata", "jsonb", "metadata", CONV_VALUE, "metadata set by you"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole invoice as the API returned it"},
	{NULL}
};

static const char *const stripe_invoice_statuses[] = {
	"draft", "open", "paid", "uncollectible", "void", NULL
};

static const char *const stripe_collection_methods[] = {
	"charge_automatically", "send_invoice", NULL
};

static const PushdownSpec stripe_invoice_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_TIME_RANGE("due_date", "due_date"),
	STRIPE_EQUALS("customer"),
	STRIPE_EQUALS("subscription"),
	STRIPE_ENUM("status", stripe_invoice_statuses),
	STRIPE_ENUM("collection_method", stripe_collection_methods),
	{NULL}
};

static const ColumnSpec stripe_payment_intent_columns[] = {
	{"id", "text", "id", CONV_VALUE, "payment intent id (pi_...)"},
	{"amount", "bigint", "amount", CONV_VALUE, "amount intended to be collected, in the currency's smallest unit"},
	{"amount_capturable", "bigint", "amount_capturable", CONV_VALUE, "amount that can be captured"},
	{"amount_received", "bigint", "amount_received", CONV_VALUE, "amount received"},
	{"currency", "text", "currency", CONV_VALUE, "three-letter ISO currency code, lowercase"},
	{"status", "text", "status", CONV_VALUE, "requires_payment_method, requires_confirmation, requires_action, processing, requires_capture, canceled or succeeded"},
	{"customer", "text", "customer", CONV_EXPANDABLE_ID, "customer id (cus_...)"},
	{"latest_charge", "text", "latest_charge", CONV_EXPANDABLE_ID, "latest charge id (ch_...)"},
	{"payment_method", "text", "payment_method", CONV_EXPANDABLE_ID, "payment method id (pm_...)"},
	{"capture_method", "text", "capture_method", CONV_VALUE, "automatic, automatic_async or manual"},
	{"description", "text", "description", CONV_VALUE, "description"},
	{"receipt_email", "text", "receipt_email", CONV_VALUE, "receipt e-mail"},
	{"canceled_at", "timestamptz", "canceled_at", CONV_VALUE, "cancellation time"},
	{"cancellation_reason", "text", "cancellation_reason", CONV_VALUE, "why it was canceled"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"metadata", "jsonb", "metadata", CONV_VALUE, "metadata set by you"},
	{"livemode", "boolean", "livemode", CONV_VALUE, "live (true) or test mode"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole payment intent as the API returned it"},
	{NULL}
};

static const PushdownSpec stripe_payment_intent_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_EQUALS("customer"),
	{NULL}
};

/*
 * Since API version 2025-03-31 the billing period is a field of each
 * subscription item, and the list's current_period_end filter compares "the
 * minimum item current_period_end".  The column is the first item's, which
 * is never earlier than the minimum: an upper bound sent to Stripe returns
 * every row the column satisfies (and maybe more, rechecked); a lower bound
 * could lose rows, so it stays local.
 */
static const ColumnSpec stripe_subscription_columns[] = {
	{"id", "text", "id", CONV_VALUE, "subscription id (sub_...)"},
	{"customer", "text", "customer", CONV_EXPANDABLE_ID, "customer id (cus_...)"},
	{"status", "text", "status", CONV_VALUE, "incomplete, incomplete_expired, trialing, active, past_due, canceled, unpaid or paused"},
	{"collection_method", "text", "collection_method", CONV_VALUE, "charge_automatically or send_invoice"},
	{"currency", "text", "currency", CONV_VALUE, "three-letter ISO currency code, lowercase"},
	{"price_ids", "text[]", "items.data[*].price.id", CONV_VALUE, "ids of the prices of its items (price_...)"},
	{"current_period_start", "timestamptz", "items.data[0].current_period_start", CONV_VALUE, "start of the first item's current period"},
	{"current_period_end", "timestamptz", "items.data[0].current_period_end", CONV_VALUE, "end of the first item's current period (Stripe filters on the earliest item's)"},
	{"cancel_at_period_end", "boolean", "cancel_at_period_end", CONV_VALUE, "cancels at the end of the period"},
	{"cancel_at", "timestamptz", "cancel_at", CONV_VALUE, "scheduled cancellation time"},
	{"canceled_at", "timestamptz", "canceled_at", CONV_VALUE, "cancellation time"},
	{"ended_at", "timestamptz", "ended_at", CONV_VALUE, "end time"},
	{"start_date", "timestamptz", "start_date", CONV_VALUE, "start date (may be backdated)"},
	{"trial_start", "timestamptz", "trial_start", CONV_VALUE, "start of the trial"},
	{"trial_end", "timestamptz", "trial_end", CONV_VALUE, "end of the trial"},
	{"latest_invoice", "text", "latest_invoice", CONV_EXPANDABLE_ID, "latest invoice id (in_...)"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"description", "text", "description", CONV_VALUE, "description"},
	{"metadata", "jsonb", "metadata", CONV_VALUE, "metadata set by you"},
	{"livemode", "boolean", "livemode", CONV_VALUE, "live (true) or test mode"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole subscription as the API returned it"},
	{NULL}
};

/* the statuses a subscription has; "all" and "ended" are requests only */
static const char *const stripe_subscription_statuses[] = {
	"active", "canceled", "incomplete", "incomplete_expired", "past_due",
	"paused", "trialing", "unpaid", NULL
};

/* the list's status parameter: the statuses, "all" and "ended" */
static const char *const stripe_subscription_status_params[] = {
	"active", "all", "canceled", "ended", "incomplete", "incomplete_expired",
	"past_due", "paused", "trialing", "unpaid", NULL
};

static const ParamValuesSpec stripe_subscription_params[] = {
	{"status", stripe_subscription_status_params, false},
	{NULL}
};

static const PushdownSpec stripe_subscription_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_EQUALS("customer"),
	{"price_ids", PUSH_CONTAINS, "price", VALUE_TEXT, NULL, true},
	STRIPE_ENUM("status", stripe_subscription_statuses),
	STRIPE_ENUM("collection_method", stripe_collection_methods),
	{"current_period_end", PUSH_LT, "current_period_end[lt]", VALUE_EPOCH, NULL, false},
	{"current_period_end", PUSH_LE, "current_period_end[lte]", VALUE_EPOCH, NULL, false},
	{NULL}
};

static const ColumnSpec stripe_balance_transaction_columns[] = {
	{"id", "text", "id", CONV_VALUE, "balance transaction id (txn_...)"},
	{"amount", "bigint", "amount", CONV_VALUE, "gross amount in the currency's smallest unit"},
	{"fee", "bigint", "fee", CONV_VALUE, "fees paid"},
	{"net", "bigint", "net", CONV_VALUE, "net amount (amount - fee)"},
	{"currency", "text", "currency", CONV_VALUE, "three-letter ISO currency code, lowercase"},
	{"type", "text", "type", CONV_VALUE, "charge, refund, payout, stripe_fee, adjustment, ..."},
	{"reporting_category", "text", "reporting_category", CONV_VALUE, "accounting category"},
	{"status", "text", "status", CONV_VALUE, "available or pending"},
	{"source", "text", "source", CONV_EXPANDABLE_ID, "id of the object that caused it (ch_..., re_..., po_...)"},
	{"description", "text", "description", CONV_VALUE, "description"},
	{"exchange_rate", "double precision", "exchange_rate", CONV_VALUE, "exchange rate used, if converted"},
	{"available_on", "timestamptz", "available_on", CONV_VALUE, "when the net amount becomes available"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole balance transaction as the API returned it"},
	{NULL}
};

static const char *const stripe_balance_transaction_types[] = {
	"adjustment", "advance", "advance_funding", "anticipation_repayment",
	"application_fee", "application_fee_refund", "charge",
	"climate_order_purchase", "climate_order_refund",
	"connect_collection_transfer", "contribution", "fee_credit_funding",
	"inbound_transfer", "inbound_transfer_reversal",
	"issuing_authorization_hold", "issuing_authorization_release",
	"issuing_dispute", "issuing_transaction", "obligation_outbound",
	"obligation_reversal_inbound", "payment", "payment_failure_refund",
	"payment_network_reserve_hold", "payment_network_reserve_release",
	"payment_refund", "payment_reversal", "payment_unreconciled", "payout",
	"payout_cancel", "payout_failure", "payout_minimum_balance_hold",
	"payout_minimum_balance_release", "refund", "refund_failure",
	"reserve_hold", "reserve_release", "reserve_transaction",
	"reserved_funds", "stripe_balance_payment_debit",
	"stripe_balance_payment_debit_reversal", "stripe_fee", "stripe_fx_fee",
	"tax_fee", "tax_fund", "topup", "topup_reversal", "transfer",
	"transfer_cancel", "transfer_failure", "transfer_refund", NULL
};

static const PushdownSpec stripe_balance_transaction_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_ENUM("type", stripe_balance_transaction_types),
	STRIPE_EQUALS("source"),
	{NULL}
};

/* a boolean parameter: true for the column, false for NOT column */
#define STRIPE_BOOLEAN(column) \
	{column, PUSH_IS_TRUE, column, VALUE_TEXT, "true", true}, \
	{column, PUSH_IS_FALSE, column, VALUE_TEXT, "false", true}

static const ColumnSpec stripe_product_columns[] = {
	{"id", "text", "id", CONV_VALUE, "product id (prod_...)"},
	{"name", "text", "name", CONV_VALUE, "name shown to customers"},
	{"active", "boolean", "active", CONV_VALUE, "available for purchase"},
	{"description", "text", "description", CONV_VALUE, "description"},
	{"type", "text", "type", CONV_VALUE, "good or service"},
	{"default_price", "text", "default_price", CONV_EXPANDABLE_ID, "default price id (price_...)"},
	{"shippable", "boolean", "shippable", CONV_VALUE, "can be shipped"},
	{"unit_label", "text", "unit_label", CONV_VALUE, "unit label on invoices"},
	{"url", "text", "url", CONV_VALUE, "public web page"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"updated", "timestamptz", "updated", CONV_VALUE, "last update time"},
	{"metadata", "jsonb", "metadata", CONV_VALUE, "metadata set by you"},
	{"livemode", "boolean", "livemode", CONV_VALUE, "live (true) or test mode"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole product as the API returned it"},
	{NULL}
};

static const PushdownSpec stripe_product_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_BOOLEAN("active"),
	{NULL}
};

static const ColumnSpec stripe_price_columns[] = {
	{"id", "text", "id", CONV_VALUE, "price id (price_...)"},
	{"product", "text", "product", CONV_EXPANDABLE_ID, "product id (prod_...)"},
	{"active", "boolean", "active", CONV_VALUE, "usable for new purchases"},
	{"type", "text", "type", CONV_VALUE, "one_time or recurring"},
	{"currency", "text", "currency", CONV_VALUE, "three-letter ISO currency code, lowercase"},
	{"unit_amount", "bigint", "unit_amount", CONV_VALUE, "amount per unit in the currency's smallest unit (per_unit pricing)"},
	{"billing_scheme", "text", "billing_scheme", CONV_VALUE, "per_unit or tiered"},
	{"recurring_interval", "text", "recurring.interval", CONV_VALUE, "day, week, month or year (recurring prices)"},
	{"recurring_interval_count", "integer", "recurring.interval_count", CONV_VALUE, "intervals between billings"},
	{"lookup_key", "text", "lookup_key", CONV_VALUE, "lookup key"},
	{"nickname", "text", "nickname", CONV_VALUE, "name not shown to customers"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"metadata", "jsonb", "metadata", CONV_VALUE, "metadata set by you"},
	{"livemode", "boolean", "livemode", CONV_VALUE, "live (true) or test mode"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole price as the API returned it"},
	{NULL}
};

static const char *const stripe_price_types[] = {"one_time", "recurring", NULL};

static const PushdownSpec stripe_price_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_BOOLEAN("active"),
	STRIPE_EQUALS("product"),
	STRIPE_ENUM("type", stripe_price_types),
	STRIPE_EQUALS("currency"),
	{NULL}
};

/*
 * Stripe keeps events for 30 days.  A '*' in the type filter is a wildcard
 * to Stripe ("charge.*"); no event type holds one, so PostgreSQL's recheck
 * of type = 'charge.*' keeps what SQL means: no row.
 */
static const ColumnSpec stripe_event_columns[] = {
	{"id", "text", "id", CONV_VALUE, "event id (evt_...); Stripe keeps events for 30 days"},
	{"type", "text", "type", CONV_VALUE, "event type, such as charge.succeeded"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time; only the last 30 days are kept"},
	{"api_version", "text", "api_version", CONV_VALUE, "API version the data is rendered in"},
	{"object_id", "text", "data.object.id", CONV_VALUE, "id of the object the event is about"},
	{"object", "jsonb", "data.object", CONV_VALUE, "the object the event is about, as it was then"},
	{"request_id", "text", "request.id", CONV_VALUE, "id of the API request that caused it, if any"},
	{"pending_webhooks", "integer", "pending_webhooks", CONV_VALUE, "webhooks not yet delivered"},
	{"livemode", "boolean", "livemode", CONV_VALUE, "live (true) or test mode"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole event as the API returned it"},
	{NULL}
};

static const PushdownSpec stripe_event_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_EQUALS("type"),
	{NULL}
};

static const ColumnSpec stripe_dispute_columns[] = {
	{"id", "text", "id", CONV_VALUE, "dispute id (dp_...)"},
	{"amount", "bigint", "amount", CONV_VALUE, "disputed amount in the currency's smallest unit"},
	{"currency", "text", "currency", CONV_VALUE, "three-letter ISO currency code, lowercase"},
	{"charge", "text", "charge", CONV_EXPANDABLE_ID, "disputed charge id (ch_...)"},
	{"payment_intent", "text", "payment_intent", CONV_EXPANDABLE_ID, "payment intent id (pi_...)"},
	{"reason", "text", "reason", CONV_VALUE, "fraudulent, duplicate, product_not_received, general, ..."},
	{"status", "text", "status", CONV_VALUE, "warning_needs_response, needs_response, under_review, won, lost, ..."},
	{"is_charge_refundable", "boolean", "is_charge_refundable", CONV_VALUE, "the charge can still be refunded"},
	{"evidence_due_by", "timestamptz", "evidence_details.due_by", CONV_VALUE, "deadline for evidence"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"metadata", "jsonb", "metadata", CONV_VALUE, "metadata set by you"},
	{"livemode", "boolean", "livemode", CONV_VALUE, "live (true) or test mode"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole dispute as the API returned it"},
	{NULL}
};

static const PushdownSpec stripe_dispute_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_EQUALS("charge"),
	STRIPE_EQUALS("payment_intent"),
	{NULL}
};

static const ColumnSpec stripe_payout_columns[] = {
	{"id", "text", "id", CONV_VALUE, "payout id (po_...)"},
	{"amount", "bigint", "amount", CONV_VALUE, "amount in the currency's smallest unit"},
	{"currency", "text", "currency", CONV_VALUE, "three-letter ISO currency code, lowercase"},
	{"status", "text", "status", CONV_VALUE, "paid, pending, in_transit, canceled or failed"},
	{"arrival_date", "timestamptz", "arrival_date", CONV_VALUE, "expected arrival in the bank"},
	{"automatic", "boolean", "automatic", CONV_VALUE, "made by Stripe's automatic schedule"},
	{"method", "text", "method", CONV_VALUE, "standard or instant"},
	{"type", "text", "type", CONV_VALUE, "bank_account or card"},
	{"destination", "text", "destination", CONV_EXPANDABLE_ID, "bank account or card id"},
	{"balance_transaction", "text", "balance_transaction", CONV_EXPANDABLE_ID, "balance transaction id (txn_...)"},
	{"failure_code", "text", "failure_code", CONV_VALUE, "failure code"},
	{"description", "text", "description", CONV_VALUE, "description"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"metadata", "jsonb", "metadata", CONV_VALUE, "metadata set by you"},
	{"livemode", "boolean", "livemode", CONV_VALUE, "live (true) or test mode"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole payout as the API returned it"},
	{NULL}
};

static const PushdownSpec stripe_payout_pushdown[] = {
	STRIPE_TIME_RANGE("created", "created"),
	STRIPE_TIME_RANGE("arrival_date", "arrival_date"),
	{NULL}
};

/*
 * A created range is read as sub-ranges at once: created[gte] and
 * created[lt] in whole seconds, each sub-range its own cursor.
 */
static const RangeSplitSpec stripe_created_split[] = {
	{"created", "created[gte]", "created[lt]", false, NULL},
	{NULL}
};

#define STRIPE_LIST(name, columns_, pushdown_, doc_, ...) \
	{ \
		.table = name, \
		.path_template = "/v1/" name, \
		.items_at = "data", \
		.pages = PAGES_LAST_ID, \
		.page_size_param = "limit", \
		.max_page_size = 100, \
		.cursor_param = "starting_after", \
		.cursor_at = "id", \
		.has_more_at = "has_more", \
		.single_path = "/v1/" name "/{id}", \
		.single_key = "id", \
		.identity_at = "id", \
		.columns = columns_, \
		.pushdown = pushdown_, \
		.sorts = stripe_sorts, \
		.doc = doc_, \
		.range_splits = stripe_created_split, \
		__VA_ARGS__ \
	}

static const ResourceSpec stripe_resources[] = {
	STRIPE_LIST("charges", stripe_charge_columns, stripe_charge_pushdown,
				"charges, newest first"),
	STRIPE_LIST("customers", stripe_customer_columns, stripe_customer_pushdown,
				"customers, newest first",
				.writes = &stripe_customer_writes),
	STRIPE_LIST("refunds", stripe_refund_columns, stripe_refund_pushdown,
				"refunds, newest first",
				.writes = &stripe_refund_writes),
	STRIPE_LIST("invoices", stripe_invoice_columns, stripe_invoice_pushdown,
				"invoices, newest first"),
	STRIPE_LIST("payment_intents", stripe_payment_intent_columns,
				stripe_payment_intent_pushdown, "payment intents, newest first"),
	/* without status Stripe leaves canceled subscriptions out */
	STRIPE_LIST("subscriptions", stripe_subscription_columns,
				stripe_subscription_pushdown,
				"subscriptions of every status, newest first",
				.default_query = "status=all",
				.param_values = stripe_subscription_params),
	STRIPE_LIST("balance_transactions", stripe_balance_transaction_columns,
				stripe_balance_transaction_pushdown,
				"balance transactions, newest first"),
	STRIPE_LIST("products", stripe_product_columns, stripe_product_pushdown,
				"products, newest first"),
	STRIPE_LIST("prices", stripe_price_columns, stripe_price_pushdown,
				"prices, newest first; active ones only unless the query asks for NOT active"),
	STRIPE_LIST("events", stripe_event_columns, stripe_event_pushdown,
				"events of the last 30 days (Stripe keeps no older ones), newest first"),
	STRIPE_LIST("disputes", stripe_dispute_columns, stripe_dispute_pushdown,
				"disputes, newest first"),
	STRIPE_LIST("payouts", stripe_payout_columns, stripe_payout_pushdown,
				"payouts, newest first"),
	{NULL}
};

const ServiceSpec stripe_service = {
	.name = "stripe",
	.default_base_url = "https://api.stripe.com",
	.headers = stripe_headers,
	.error_message_at = "error.message",
	.ok_flag_at = NULL,
	.resources = stripe_resources,
	.not_found_hint = "Check the id the query gives, and that the key belongs to the account and mode (test or live) that holds the object.",
	/* "Unrecognized request URL (GET: /v2/customers)..." for a path the API
	 * does not have */
	.unknown_path_words = "Unrecognized request URL",
};
