/*-------------------------------------------------------------------------
 *
 * stripe.c
 *		  Stripe API: charges, customers, refunds and invoices, as data.
 *
 * Facts from Stripe's API reference and official SDK: list endpoints page
 * by cursor (limit at most 100, starting_after = the last item's id,
 * has_more), newest first by "created"; amounts are integers in the
 * currency's smallest unit; times are whole Unix seconds, so a timestamptz
 * bound is rounded by its operator and stays exact (pushdown.c).  An
 * expandable field holds an id or, when expanded, the object; the column
 * takes the id either way.  transfer_group is not pushed down: the API caps
 * that filter at 100 results, so pushing it could lose rows.
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

#define STRIPE_LIST(name, columns_, pushdown_, doc_) \
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
	}

static const ResourceSpec stripe_resources[] = {
	STRIPE_LIST("charges", stripe_charge_columns, stripe_charge_pushdown,
				"charges, newest first"),
	STRIPE_LIST("customers", stripe_customer_columns, stripe_customer_pushdown,
				"customers, newest first"),
	STRIPE_LIST("refunds", stripe_refund_columns, stripe_refund_pushdown,
				"refunds, newest first"),
	STRIPE_LIST("invoices", stripe_invoice_columns, stripe_invoice_pushdown,
				"invoices, newest first"),
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
