//! The `wx_card` ticket kept fresh ahead of time: a refresher keeps merchants' tickets fresh
//! in the shared store, and a read-only client uses them without ever calling `getticket`.

use std::sync::Arc;
use std::time::Duration;

use wx_auth::{AuthError, MemoryStore, Refresher, TokenSource, TokenStore};
use wx_invoice_api::{InvoiceClient, InvoiceError};
use wx_invoice_e2e::{PLATFORM_OA, Platform};
use wx_sandbox::Sandbox;

const GET_TICKET: &str = "/cgi-bin/ticket/getticket";

#[tokio::test]
async fn read_only_clients_use_tickets_the_refresher_keeps_fresh() {
    let shared: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let p = Platform::on(Sandbox::start().await.expect("sandbox"), shared.clone()).await;
    p.authorize(PLATFORM_OA, &[26]).await;
    let tokens: Arc<dyn TokenSource> = Arc::new(p.tokens());

    // The refresher node: component tokens, authorizer tokens, and the merchant's wx_card ticket.
    let refresher_client = InvoiceClient::builder(tokens.clone())
        .api_base(p.sandbox.base_url())
        .ticket_store(shared.clone())
        .build()
        .expect("client");
    let refresher = Refresher::new(p.component.clone()).with_job(Arc::new(
        refresher_client.wx_card_ticket_job(vec![PLATFORM_OA.to_owned()]),
    ));
    let report = refresher.run_once().await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.checked, 3, "component token, one authorizer, one ticket");
    assert_eq!(p.sandbox.count(GET_TICKET), 1);
    // A second round finds everything fresh.
    refresher.run_once().await;
    assert_eq!(p.sandbox.count(GET_TICKET), 1);

    // A read-only node: reads the ticket from the shared store, never fetches it.
    let reader = InvoiceClient::builder(tokens.clone())
        .api_base(p.sandbox.base_url())
        .ticket_store(shared.clone())
        .read_only(true)
        .wait_budget(Duration::from_millis(300))
        .build()
        .expect("client");
    let ticket = reader
        .merchant(PLATFORM_OA)
        .wx_card_ticket()
        .await
        .expect("ticket from the refresher");
    assert!(!ticket.expose_secret().is_empty());
    assert_eq!(p.sandbox.count(GET_TICKET), 1);

    // A merchant the refresher does not cover: the read-only node fails with the documented error.
    p.authorize("wxnotcovered000001", &[26]).await;
    let err = reader
        .merchant("wxnotcovered000001")
        .wx_card_ticket()
        .await
        .expect_err("no refresher for it");
    assert!(
        matches!(err, InvoiceError::Wechat(AuthError::RefreshTimeout { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("refresher is running"), "{err}");
    assert_eq!(p.sandbox.count(GET_TICKET), 1);
}
