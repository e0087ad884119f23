//! Shared setup for the Bot API tests: a fake Telegram and a client pointed at it.

use paygate_telegram::BotApi;
use paygate_test_support::fake_telegram::FakeTelegram;

pub const TOKEN: &str = "7000000001:AAF-secret-token_for_tests";
pub const CHANNEL: i64 = -1_001_234_567_890;
pub const USER: i64 = 424_242;

pub async fn fake_and_client() -> (FakeTelegram, BotApi) {
    let fake = FakeTelegram::start(TOKEN).await;
    let api = BotApi::new(fake.base_url(), TOKEN.to_owned().into(), reqwest::Client::new());
    (fake, api)
}
