def test_index_renders(client, login, coordinator, group):
    login(client, coordinator)
    response = client.get("/coordination/")
    assert response.status_code == 200
    assert "Groupe coordination mineurs" in response.content.decode()
