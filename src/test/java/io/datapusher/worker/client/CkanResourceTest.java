package io.datapusher.worker.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void theTokenMayGoOnlyToTheResourcesOwnUploadPath() {
        assertTrue(resource("https://data.example.org/dataset/p/resource/r/download/data.csv", "upload").isOwnUpload(CKAN_URL));
        assertTrue(resource("https://data.example.org/dataset/p/resource/r/download", "upload").isOwnUpload(CKAN_URL));
        // ckanext-scheming types route uploads under the package type (CKAN 2.11)
        assertTrue(resource("https://data.example.org/inventory/p/resource/r/download/f.xlsx", "upload").isOwnUpload(CKAN_URL));
    }

    @Test
    void aLinkIsNeverAnUploadWhateverItsUrl() {
        assertFalse(resource("http://ckan:5000/dataset/p/resource/r/download/data.csv", "").isOwnUpload(CKAN_URL));
        assertFalse(resource("http://ckan:5000/dataset/p/resource/r/download/data.csv", null).isOwnUpload(CKAN_URL));
    }

    @Test
    void anUploadWhoseUrlIsAnotherFileIsNotItsOwnUpload() {
        // an API caller may set url_type "upload" with any URL
        for (String url : new String[] {
                "https://x.org/dataset/other-package/resource/r/download/data.csv",
                "https://x.org/dataset/p/resource/other-resource/download/data.csv",
                "https://x.org/datastore/dump/other-resource",
                "https://x.org/dataset/p/resource/r/download/data.csv/more",
                "https://x.org/dataset/p/resource/r/download/..%2F..%2F..%2Fother%2Fresource%2Fx%2Fdownload",
                "https://x.org/dataset/p/resource/r/download/..",
                "https://x.org/dataset/p/resource/r/download/%2e%2e",
                "https://x.org/api/3/action/datastore_search?resource_id=other",
                "https://x.org/a/b/dataset/p/resource/r/download/f.csv",
        }) {
            assertFalse(resource(url, "upload").isOwnUpload(CKAN_URL), url);
        }
    }

    @Test
    void ckanUnderAPathKeepsItsPathInFrontOfTheUploadPath() {
        assertTrue(resource("https://x.org/data/dataset/p/resource/r/download/f.csv", "upload").isOwnUpload("http://ckan:5000/data/"));
        assertFalse(resource("https://x.org/dataset/p/resource/r/download/f.csv", "upload").isOwnUpload("http://ckan:5000/data"));
    }

    @Test
    void withoutAPackageIdNothingIsAnUpload() {
        CkanResource noPackage = new CkanResource("r", "https://x.org/dataset/p/resource/r/download/f.csv", "CSV", "",
                "upload", JsonNodeFactory.instance.objectNode());

        assertFalse(noPackage.isOwnUpload(CKAN_URL));
    }

    private static CkanResource resource(String url, String urlType) {
        return new CkanResource("r", url, "CSV", "", urlType == null ? "" : urlType,
                JsonNodeFactory.instance.objectNode().put("package_id", "p"));
    }
}
