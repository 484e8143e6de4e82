package io.datapusher.worker.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CkanResourceTest {

    private static final String CKAN_URL = "http://ckan:5000";

    @Test
    void anUploadIsFetchedFromCkanUrlNotFromThePublicSiteUrl() {
        CkanResource upload = resource("https://data.example.org/dataset/p/resource/r/download/data%20file.csv?x=1", "upload");

        assertEquals("http://ckan:5000/dataset/p/resource/r/download/data%20file.csv?x=1", upload.downloadUrl(CKAN_URL));
    }

    @Test
    void aLinkToElsewhereIsFetchedAsItIs() {
        String link = "https://files.example.net/data.csv";

        assertEquals(link, resource(link, "").downloadUrl(CKAN_URL));
        assertEquals(link, resource(link, null).downloadUrl(CKAN_URL));
    }

    private static CkanResource resource(String url, String urlType) {
        return new CkanResource("r", url, "CSV", "", urlType == null ? "" : urlType, JsonNodeFactory.instance.objectNode());
    }
}
