"""The invoice checks' figures the CLI shows in its help (``client.invoices``), in a module that imports nothing, so
that `recfin invoice read|verify|register --help` shows them without loading the invoice models (pydantic)."""

# the confidence (0 to 1) below which a field read from a scan is flagged for a person, unless asked otherwise; a
# file written from a reading with a lower one is refused by every reader until a person has checked it
DEFAULT_MIN_CONFIDENCE = 0.80

# The tax of a line on an invoice from a tax-control device (税控, an 8-digit number with a code) may differ from
# amount x rate by up to 6 fen (the device's rule); the fully digitalised invoice's platform allows 1.
TAX_DEVICE_TAX_TOLERANCE_FEN = 6


# How old an invoice may be and still be plausible (date.plausible), in days before the reference date: a year, as
# the contract's default payment term runs a year from the invoice's date and the due date must be after the
# registration's, so on such a network an invoice older than that backs no new claim. A bank may ask for less, or
# allow more on a network with a longer term.
DEFAULT_MAX_AGE_DAYS = 365

# How old a credit bureau's record of the debtor may be (source.credit.current), in days before the verification's
# day: a month. Lenders report repayments to the credit bureau monthly, so a record older than that can miss a whole
# reporting cycle (the overdue payments of the last month), and banks commonly ask for a credit report drawn within
# the month before their decision. A bank may ask for a fresher one, or allow an older one where its bureau updates
# less often.
DEFAULT_MAX_CREDIT_AGE_DAYS = 30
