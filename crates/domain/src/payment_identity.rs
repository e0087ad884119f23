//! Whether a `finished` notification belongs to the invoice its `order_id` names: provider invoice id and price.

use rust_decimal::Decimal;

use crate::payment_gateway::PaymentUpdate;

/// What Paygate stored about the invoice when it was created.
#[derive(Debug, Clone, Copy)]
pub struct InvoiceIdentity<'a> {
    /// The provider's invoice id, when the provider gave one.
    pub provider_invoice_id: Option<&'a str>,
    pub price_usd: Decimal,
}

/// How a notification disagrees with its invoice. Displayed as the hold reason the operator reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    #[error("the notification names provider invoice {reported}, but this invoice is {expected}")]
    ProviderInvoice { expected: String, reported: String },
    #[error("the notification is priced in {reported:?}, but this invoice is priced in USD")]
    PriceCurrency { reported: String },
    #[error("the notification is priced at {reported} USD, but this invoice costs {expected} USD")]
    PriceAmount { expected: Decimal, reported: Decimal },
}

/// Checks what the notification says about the invoice against what Paygate stored: the provider
/// invoice id (when both sides have one) and the price (USD, within `tolerance_percent`). The
/// `order_id` itself matches by construction: it is how the invoice was found.
pub fn check_identity(
    invoice: InvoiceIdentity<'_>,
    update: &PaymentUpdate,
    tolerance_percent: Decimal,
) -> Result<(), Mismatch> {
    let reported_invoice = update.provider_invoice_id.as_deref().map(str::trim).filter(|id| !id.is_empty());
    if let (Some(expected), Some(reported)) = (invoice.provider_invoice_id, reported_invoice)
        && expected.trim() != reported
    {
        return Err(Mismatch::ProviderInvoice {
            expected: expected.to_owned(),
            reported: reported.to_owned(),
        });
    }
    let currency = update.price_currency.trim();
    if !currency.is_empty() && !currency.eq_ignore_ascii_case("usd") {
        return Err(Mismatch::PriceCurrency { reported: currency.to_owned() });
    }
    let allowed = invoice.price_usd * tolerance_percent / Decimal::ONE_HUNDRED;
    if !currency.is_empty() && (update.price_amount - invoice.price_usd).abs() > allowed {
        return Err(Mismatch::PriceAmount { expected: invoice.price_usd, reported: update.price_amount });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::payment_rules::{DEFAULT_TOLERANCE_PERCENT as TOL, tests::update};

    fn invoice(provider_invoice_id: Option<&str>) -> InvoiceIdentity<'_> {
        InvoiceIdentity { provider_invoice_id, price_usd: dec!(5.00) }
    }

    fn reported(invoice_id: Option<&str>, currency: &str, price: Decimal) -> PaymentUpdate {
        let mut update = update(Some(dec!(0)), Some(dec!(0.0017)), Some(dec!(0.0017)));
        update.provider_invoice_id = invoice_id.map(str::to_owned);
        update.price_currency = currency.to_owned();
        update.price_amount = price;
        update
    }

    #[test]
    fn a_notification_matching_its_invoice_passes_whatever_the_number_formatting() {
        let same = reported(Some("4591254910"), "usd", dec!(5));
        assert_eq!(check_identity(invoice(Some("4591254910")), &same, TOL), Ok(()));
        let upper = reported(Some("4591254910"), "USD", dec!(5.000));
        assert_eq!(check_identity(invoice(Some("4591254910")), &upper, TOL), Ok(()));
    }

    #[test]
    fn a_missing_invoice_id_on_either_side_is_not_a_mismatch() {
        let no_id = reported(None, "usd", dec!(5));
        assert_eq!(check_identity(invoice(Some("4591254910")), &no_id, TOL), Ok(()));
        let with_id = reported(Some("4591254910"), "usd", dec!(5));
        assert_eq!(check_identity(invoice(None), &with_id, TOL), Ok(()));
    }

    #[test]
    fn another_invoice_id_another_currency_or_another_price_is_a_mismatch() {
        let other = reported(Some("4591254911"), "usd", dec!(5));
        assert!(matches!(
            check_identity(invoice(Some("4591254910")), &other, TOL),
            Err(Mismatch::ProviderInvoice { .. })
        ));
        let euro = reported(None, "eur", dec!(5));
        assert!(matches!(check_identity(invoice(None), &euro, TOL), Err(Mismatch::PriceCurrency { .. })));
        let cheap = reported(None, "usd", dec!(0.5));
        let error = check_identity(invoice(None), &cheap, TOL).err();
        assert_eq!(error, Some(Mismatch::PriceAmount { expected: dec!(5.00), reported: dec!(0.5) }));
        assert!(error.is_some_and(|e| e.to_string().contains("0.5 USD")));
    }

    #[test]
    fn a_price_within_the_tolerance_matches() {
        let rounded = reported(None, "usd", dec!(4.95));
        assert_eq!(check_identity(invoice(None), &rounded, TOL), Ok(()));
    }
}
