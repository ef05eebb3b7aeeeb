def test_home_page_serves_in_japanese_and_english(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "自治体の課題" in response.content.decode()
    assert client.get("/en/").status_code == 200
