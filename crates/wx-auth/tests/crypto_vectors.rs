//! The published vectors of spec §3.1 (V1–V4): exact decryption, and encryption with a fixed
//! random prefix reproducing the exact `Encrypt` and `msg_signature`.

use wx_auth::crypto::{CryptoError, MsgCrypt};

const V1_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const V1_TOKEN: &str = "spamtest";
const V1_APPID: &str = "wx2c2769f8efd9abc2";
const V1_TIMESTAMP: &str = "1409735669";
const V1_NONCE: &str = "1320562132";
const V1_ENCRYPT: &str = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
const V1_MSG_SIGNATURE: &str = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
const V1_URL_SIGNATURE: &str = "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a";
const V1_MSG: &str = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>";

const V2_TOKEN: &str = "123456";
const V2_KEY: &str = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
const V2_ID: &str = "wx49f0ab532d5d035a";
const V2A_TIMESTAMP: &str = "1411443780";
const V2A_NONCE: &str = "437374425";
const V2A_ECHOSTR: &str = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";
const V2A_SIGNATURE: &str = "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96";
const V2BC_TIMESTAMP: &str = "1411525903";
const V2BC_NONCE: &str = "461056294";
const V2B_MSG: &str = "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>";
const V2B_ENCRYPT: &str = "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3";
const V2B_SIGNATURE: &str = "407518b7649e86ef23978113f92d27afa9296533";
const V2C_SIGNATURE: &str = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d";
const V2C_ENCRYPT: &str = "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=";

const V2C_MSG: &str = "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<FromUserName><![CDATA[messense]]></FromUserName>\n<CreateTime>1411525903</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<MsgId>4363689963896700987</MsgId>\n<AgentID>1</AgentID>\n</xml>";

const V3_APPID: &str = "wxb11529c136998cb6";
const V3_MSG: &str = "我是中文abcd123";
const V3_ENCRYPT: &str = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";

const V4_TIMESTAMP: &str = "1413192605";
const V4_MSG: &str = "<xml><AppId><![CDATA[wx2c2769f8efd9abc2]]></AppId><CreateTime>1413192605</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@TESTTICKET]]></ComponentVerifyTicket></xml>";
const V4_ENCRYPT: &str = "5I0ViYLQqCiDyNw9bygZh9Lh7+Hcu1AM2jOmfTXqE+1Q0i/ipnsiks62nsi45TptLEeqCP02/1Ni6YsOgBQ4zNXTI1HcG6O30whjaztlKbLDKGr1QFkoQwX5gGrsnv7BWXDXvWIA7SlIQn5+7L6Zy9IBSQM+j/tJceBlqZ/vDGQczcl6jVvA61Og5NFASGc8FMqCEjieEOEZ0L+d4ss2JEfJj1ViffInRKZ1xQv8li+WxmuhfFtI0kQCX6PouwwA/y6CubN6q0BJf3qwbOZC/ymsCir5K/sARLourwC+yP20dfIByoRzqJNeiCe/INHX9BrWMVHKXUoeHQrDihwDfI21qtLavOynqj5qO91hikf0uB+jKVF/yGVXuaoVZZpi";
const V4_MSG_SIGNATURE: &str = "8a4dc792f78dba6eee2bba06361353e4376d2e94";
const V4_URL_SIGNATURE: &str = "9c4a719ef184968d4d302c2cc69eebf02c07c403";

fn v1() -> MsgCrypt {
    MsgCrypt::new(V1_TOKEN, V1_KEY, V1_APPID).unwrap_or_else(|e| panic!("{e}"))
}

fn v2() -> MsgCrypt {
    MsgCrypt::new(V2_TOKEN, V2_KEY, V2_ID).unwrap_or_else(|e| panic!("{e}"))
}

/// Number of ciphertext bytes behind a base64 `Encrypt`.
fn ciphertext_len(encrypt: &str) -> usize {
    let body = encrypt.trim_end_matches('=');
    body.len() * 3 / 4
}

#[test]
fn v1_official_sample_decrypts_to_the_exact_message() -> Result<(), CryptoError> {
    let plaintext = v1().decrypt_message(V1_MSG_SIGNATURE, V1_TIMESTAMP, V1_NONCE, V1_ENCRYPT)?;
    assert_eq!(plaintext, V1_MSG);
    assert_eq!(plaintext.len(), 280);
    Ok(())
}

#[test]
fn v1_encrypt_with_the_published_random_reproduces_encrypt_and_signatures() {
    let crypt = v1();
    let encrypt = crypt.encrypt_with_random(V1_MSG, *b"89465c840c5f116f");
    assert_eq!(encrypt, V1_ENCRYPT);
    assert_eq!(ciphertext_len(&encrypt), 320);
    assert_eq!(crypt.signature(V1_TIMESTAMP, V1_NONCE, &encrypt), V1_MSG_SIGNATURE);
    assert_eq!(crypt.query_signature(V1_TIMESTAMP, V1_NONCE), V1_URL_SIGNATURE);
    assert_eq!(
        crypt.verify_query_signature(V1_URL_SIGNATURE, V1_TIMESTAMP, V1_NONCE),
        Ok(())
    );
}

#[test]
fn v1_envelope_with_tousername_in_cdata_or_plain_text_decrypts() -> Result<(), CryptoError> {
    let crypt = v1();
    for body in [
        format!(
            "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[{V1_ENCRYPT}]]></Encrypt></xml>"
        ),
        format!(
            "<xml>\n  <Encrypt>{V1_ENCRYPT}</Encrypt>\n  <AppId>{V1_APPID}</AppId>\n  <Unknown><X/></Unknown>\n</xml>\n"
        ),
        format!("<?xml version=\"1.0\" encoding=\"utf-8\"?><xml><Encrypt><![CDATA[{V1_ENCRYPT}]]></Encrypt></xml>"),
    ] {
        let plaintext = crypt.decrypt(V1_MSG_SIGNATURE, V1_TIMESTAMP, V1_NONCE, &body)?;
        assert_eq!(plaintext, V1_MSG);
    }
    Ok(())
}

#[test]
fn v2a_url_verification_returns_the_echostr_plaintext() -> Result<(), CryptoError> {
    let echo = v2().verify_url(V2A_SIGNATURE, V2A_TIMESTAMP, V2A_NONCE, V2A_ECHOSTR)?;
    assert_eq!(echo, "5927782489442352469");
    Ok(())
}

#[test]
fn v2a_url_verification_rejects_a_wrong_signature() {
    let wrong = V2A_SIGNATURE.replace('d', "e");
    assert_eq!(
        v2().verify_url(&wrong, V2A_TIMESTAMP, V2A_NONCE, V2A_ECHOSTR),
        Err(CryptoError::BadSignature)
    );
}

#[test]
fn v2b_encrypt_with_fixed_random_reproduces_encrypt_and_msg_signature() {
    let crypt = v2();
    let encrypt = crypt.encrypt_with_random(V2B_MSG, *b"1234567890123456");
    assert_eq!(encrypt, V2B_ENCRYPT);
    assert_eq!(crypt.signature(V2BC_TIMESTAMP, V2BC_NONCE, &encrypt), V2B_SIGNATURE);
}

#[test]
fn v2b_encrypted_envelope_decrypts_back() -> Result<(), CryptoError> {
    let crypt = v2();
    let plaintext = crypt.decrypt_message(V2B_SIGNATURE, V2BC_TIMESTAMP, V2BC_NONCE, V2B_ENCRYPT)?;
    assert_eq!(plaintext, V2B_MSG);
    Ok(())
}

#[test]
fn v2c_decrypts_to_the_exact_281_byte_message() -> Result<(), CryptoError> {
    let plaintext = v2().decrypt_message(V2C_SIGNATURE, V2BC_TIMESTAMP, V2BC_NONCE, V2C_ENCRYPT)?;
    assert_eq!(plaintext, V2C_MSG);
    assert_eq!(plaintext.len(), 281);
    Ok(())
}

#[test]
fn v3_length_prefix_counts_utf8_bytes() -> Result<(), CryptoError> {
    let crypt = MsgCrypt::new("anytoken", V1_KEY, V3_APPID)?;
    let encrypt = crypt.encrypt_with_random(V3_MSG, *b"aaaabbbbccccdddd");
    assert_eq!(encrypt, V3_ENCRYPT);
    let signature = crypt.signature("1", "2", V3_ENCRYPT);
    assert_eq!(crypt.decrypt_message(&signature, "1", "2", V3_ENCRYPT)?, V3_MSG);
    Ok(())
}

#[test]
fn v4_needs_the_32_byte_padding_block() -> Result<(), CryptoError> {
    let crypt = v1();
    let encrypt = crypt.encrypt_with_random(V4_MSG, *b"aaaaaaaaaaaaaaaa");
    assert_eq!(encrypt, V4_ENCRYPT);
    // 263 bytes before padding: K = 32 pads 25 bytes to 288 (K = 16 would give 272).
    assert_eq!(ciphertext_len(&encrypt), 288);
    assert_eq!(crypt.signature(V4_TIMESTAMP, V1_NONCE, &encrypt), V4_MSG_SIGNATURE);
    assert_eq!(crypt.query_signature(V4_TIMESTAMP, V1_NONCE), V4_URL_SIGNATURE);
    let body = format!("<xml><AppId><![CDATA[{V1_APPID}]]></AppId><Encrypt><![CDATA[{V4_ENCRYPT}]]></Encrypt></xml>");
    assert_eq!(crypt.decrypt(V4_MSG_SIGNATURE, V4_TIMESTAMP, V1_NONCE, &body)?, V4_MSG);
    Ok(())
}

#[test]
fn upper_case_msg_signature_is_accepted() -> Result<(), CryptoError> {
    let upper = V1_MSG_SIGNATURE.to_ascii_uppercase();
    assert_eq!(
        v1().decrypt_message(&upper, V1_TIMESTAMP, V1_NONCE, V1_ENCRYPT)?,
        V1_MSG
    );
    Ok(())
}
