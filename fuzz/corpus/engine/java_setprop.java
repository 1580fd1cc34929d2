    static {
        System.setProperty("aws.access.key.id", "AKIA7KLFYYLBEG3RHDSV");

    static {
        System.setProperty("aws.secret.access.key", "KAcHcjL254c/mxD05Q5wt3nVGz5olfXOkCLCjl2L");

    static {
        System.setProperty("aws.session.token", "IQoJb3JpZ2luX2VjEE1bdGmhXhKT2nUMgdBNEU7z+gYMLOp8m9TjcwIg5gPoUy0lBZF7b1qg41V9cFndXLEXUAMY4d9aE2Zn5nSqn7wFh7bpoEd90HQ81VpL6vS4bC5v/SweQ582e7Pq2Zh2iGrcFfVty71yEOJJDKwrFMjdASskVptVnhQu9KRjQimQrKBz5CIeprgRuHrEw8BW+NVGgsKUqXNKHv2Yedz0/vPFl/RB8Kjlow/RAadThTI/5bjGNdYIyza4LubB/EZ09U+w0qJE4RBP2UQgQ1w4lhmtfUukMkwvnlgXpeXni6B/FfGuHRPaGsojwzBMwe7ZJ8fLsc8ZEn1pAfd956cYEKKsfwgvrmYGnI2uT6gG/On/S7fYJbs+qqdqJmvja");

    static {
        System.setProperty("aws.bearer.token.bedrock", "ABSK/J9glOlwYbWzNxU3pJeBi+momVB7hm/AYW4zMAoGzxlDzjdBxP+4Xp/d0cZFCoxdqj9FOAJJyk3vaXD4DX+D1cLwyTH6pUz+8ninbCrISyzJbpMHLmFgdE4noamWpsrwuHgF=");

    static {
        System.setProperty("google.api.key", "AIzaxAOJ_RfULkCHulO-VD8pj2Yid19ZZZsrYrB");

    static {
        System.setProperty("private.key", "-----BEGIN PRIVATE KEY-----\nMIIDryaxWuR5C0qEw2VT64eWpGhy58Z71zvaTDZPsb7872ksSdjgbnPEqUK/sqIx\neG6SdAeOks/pHNyyyXgRZk04vxbIT/3IILEeJfXqHFbWjctQGWrKEHIbvOLTANlS\n1rZXhOsLs5aU0GI0H9SIgrkcjdY+wJWsWPzYL6ud3JcX3Gt9z65+EMiVLvNOqkZK\nEqreua/vTm+4CGpHuCjNFCCK55YZ5TLk74Xveo5J6yUHzQTlYmkYb4wNeFqGlPxa\n-----END PRIVATE KEY-----\n");

    static {
        System.setProperty("google.client.secret", "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");

    static {
        System.setProperty("google.access.token", "ya29.a0jVSCar8OuC8E_8J0bYF7-fcotUkWwayytmU6NGpUlWrEGY8fwSnJV_xtwSVQ0VDW4OBdTsvX0RtJuqhXW4kthxrUtWzCqGx1Fd6hOvkMHkDiKwZl31EGbNz7thmLzUum5EqoQjagksjmoJGttesh72");

    static {
        System.setProperty("azure.client.secret", "UvR6Q~DZhFvDsBOdf5wme-tSZn1yI_lwkivGRVai");

    static {
        System.setProperty("azure.storage.key", "QfF4KZYR/V7BL4TbraEHTKXznKrWZHas6b71/1FPO9obI96LVp5oZfGWwZoTwJm6ur8cEp1HILPnegwQjrwVdS==");

    static {
        System.setProperty("azure.storage.connection.string", "DefaultEndpointsProtocol=https;AccountName=prodassets;AccountKey=JS+8qpRwrS9PnTIg3g5lZjJdHDvuwqoapVuoe1CLzJIF8c/x7lwiniQ2npzbdUSuNqjshNRWgkUQZ07Onn+QaQ==;EndpointSuffix=core.windows.net");

    static {
        System.setProperty("azure.sas.url", "https://prodassetsb2kj.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31T00:00:00Z&st=2026-01-01T00:00:00Z&spr=https&sig=senLCS0Wr3GoCnUpgChxxKWIEgHPk9fRB5jkVdMtTJ1%3D");

    static {
        System.setProperty("azure.devops.ext.pat", "3Qg89xxnuo5T71F8Po86hKQvGX3Hn6XBjfZajtgYVQtTl6VUGtMPb1x65qqfamutzy803ulaaiq9AZDOBzx0");

    static {
        System.setProperty("azure.devops.pat", "xqzbc5deesqwihksasmbjixw62csuoubj7d6pzw2u62i44b65p4i");

    static {
        System.setProperty("servicebus.connection.string", "Endpoint=sb://orders-prod.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=+wvwEFsrikhGJvEzeOzpMrEOZ8zbDeMQ2uSiR5YMInD=");

    static {
        System.setProperty("alibaba.cloud.access.key.id", "LTAI91XD41xyWfvpX7YlzyEE");

    static {
        System.setProperty("alibaba.cloud.access.key.secret", "nAmeiSdGbObyRDUq6Ya2966TDflO6c");

    static {
        System.setProperty("digitalocean.token", "dop_v1_0cf43c7d37b776138fcdc98b3197f7a925700e2877186af5182cb94145847cdf");

    static {
        System.setProperty("cloudflare.api.token", "60q9mwhtG1ICXreXBFPzIIb07YmoFL6lP7uaroAk");

    static {
        System.setProperty("cloudflare.api.key", "5f4892b58a2c2f38254260df5ed65bdbe00e6");

    static {
        System.setProperty("cloudflare.origin.ca.key", "v1.0-8cfcd02f1f246030a207f3d8-a9505aad9242a8feb9a7075ce35be88b3a3961e6908117b9a3e7067208f622a93bfd47bf525c9a29d006ac03c27b1ec860922120b588c559577f6c57f5156d147ab5005fce1a43cd29");

    static {
        System.setProperty("github.token", "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");

    static {
