provider "x" {
  aws_access_key_id = "AKIA7KLFYYLBEG3RHDSV"

provider "x" {
  aws_secret_access_key = "KAcHcjL254c/mxD05Q5wt3nVGz5olfXOkCLCjl2L"

provider "x" {
  aws_session_token = "IQoJb3JpZ2luX2VjEE1bdGmhXhKT2nUMgdBNEU7z+gYMLOp8m9TjcwIg5gPoUy0lBZF7b1qg41V9cFndXLEXUAMY4d9aE2Zn5nSqn7wFh7bpoEd90HQ81VpL6vS4bC5v/SweQ582e7Pq2Zh2iGrcFfVty71yEOJJDKwrFMjdASskVptVnhQu9KRjQimQrKBz5CIeprgRuHrEw8BW+NVGgsKUqXNKHv2Yedz0/vPFl/RB8Kjlow/RAadThTI/5bjGNdYIyza4LubB/EZ09U+w0qJE4RBP2UQgQ1w4lhmtfUukMkwvnlgXpeXni6B/FfGuHRPaGsojwzBMwe7ZJ8fLsc8ZEn1pAfd956cYEKKsfwgvrmYGnI2uT6gG/On/S7fYJbs+qqdqJmvja"

provider "x" {
  aws_bearer_token_bedrock = "ABSK/J9glOlwYbWzNxU3pJeBi+momVB7hm/AYW4zMAoGzxlDzjdBxP+4Xp/d0cZFCoxdqj9FOAJJyk3vaXD4DX+D1cLwyTH6pUz+8ninbCrISyzJbpMHLmFgdE4noamWpsrwuHgF="

provider "x" {
  google_api_key = "AIzaxAOJ_RfULkCHulO-VD8pj2Yid19ZZZsrYrB"

provider "x" {
  private_key = "-----BEGIN PRIVATE KEY-----\nMIIDryaxWuR5C0qEw2VT64eWpGhy58Z71zvaTDZPsb7872ksSdjgbnPEqUK/sqIx\neG6SdAeOks/pHNyyyXgRZk04vxbIT/3IILEeJfXqHFbWjctQGWrKEHIbvOLTANlS\n1rZXhOsLs5aU0GI0H9SIgrkcjdY+wJWsWPzYL6ud3JcX3Gt9z65+EMiVLvNOqkZK\nEqreua/vTm+4CGpHuCjNFCCK55YZ5TLk74Xveo5J6yUHzQTlYmkYb4wNeFqGlPxa\n-----END PRIVATE KEY-----\n"

provider "x" {
  google_client_secret = "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"

provider "x" {
  google_access_token = "ya29.a0jVSCar8OuC8E_8J0bYF7-fcotUkWwayytmU6NGpUlWrEGY8fwSnJV_xtwSVQ0VDW4OBdTsvX0RtJuqhXW4kthxrUtWzCqGx1Fd6hOvkMHkDiKwZl31EGbNz7thmLzUum5EqoQjagksjmoJGttesh72"

provider "x" {
  azure_client_secret = "UvR6Q~DZhFvDsBOdf5wme-tSZn1yI_lwkivGRVai"

provider "x" {
  azure_storage_key = "QfF4KZYR/V7BL4TbraEHTKXznKrWZHas6b71/1FPO9obI96LVp5oZfGWwZoTwJm6ur8cEp1HILPnegwQjrwVdS=="

provider "x" {
  azure_storage_connection_string = "DefaultEndpointsProtocol=https;AccountName=prodassets;AccountKey=JS+8qpRwrS9PnTIg3g5lZjJdHDvuwqoapVuoe1CLzJIF8c/x7lwiniQ2npzbdUSuNqjshNRWgkUQZ07Onn+QaQ==;EndpointSuffix=core.windows.net"

provider "x" {
  azure_sas_url = "https://prodassetsb2kj.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31T00:00:00Z&st=2026-01-01T00:00:00Z&spr=https&sig=senLCS0Wr3GoCnUpgChxxKWIEgHPk9fRB5jkVdMtTJ1%3D"

provider "x" {
  azure_devops_ext_pat = "3Qg89xxnuo5T71F8Po86hKQvGX3Hn6XBjfZajtgYVQtTl6VUGtMPb1x65qqfamutzy803ulaaiq9AZDOBzx0"

provider "x" {
  azure_devops_pat = "xqzbc5deesqwihksasmbjixw62csuoubj7d6pzw2u62i44b65p4i"

provider "x" {
  servicebus_connection_string = "Endpoint=sb://orders-prod.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=+wvwEFsrikhGJvEzeOzpMrEOZ8zbDeMQ2uSiR5YMInD="

provider "x" {
  alibaba_cloud_access_key_id = "LTAI91XD41xyWfvpX7YlzyEE"

provider "x" {
  alibaba_cloud_access_key_secret = "nAmeiSdGbObyRDUq6Ya2966TDflO6c"

provider "x" {
  digitalocean_token = "dop_v1_0cf43c7d37b776138fcdc98b3197f7a925700e2877186af5182cb94145847cdf"

provider "x" {
  cloudflare_api_token = "60q9mwhtG1ICXreXBFPzIIb07YmoFL6lP7uaroAk"

provider "x" {
  cloudflare_api_key = "5f4892b58a2c2f38254260df5ed65bdbe00e6"

provider "x" {
  cloudflare_origin_ca_key = "v1.0-8cfcd02f1f246030a207f3d8-a9505aad9242a8feb9a7075ce35be88b3a3961e6908117b9a3e7067208f622a93bfd47bf525c9a29d006ac03c27b1ec860922120b588c559577f6c57f5156d147ab5005fce1a43cd29"

provider "x" {
  github_token = "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"

provider "x" {
  gh_token = "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"

provider "x" {
  github_app_token = "ghs_8WCXH23jslpGKC1CpXbtWZ0nEfH7wO3YyrsK"

provider "x" {
  github_oauth_token = "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"

provider "x" {
  gitlab_token = "glpat-1gWHkFW73ktx7woqkdHc"

provider "x" {
  gitlab_private_token = "glpat-GJansfSpWInccmxPabYP78ZJXCvzJYtJGvyh.01.jeqjc8v28"

provider "x" {
  ci_runner_token = "glrt-tIn9JeBcyuH2GxuUeG5b"

provider "x" {
  gitlab_trigger_token = "glptt-83f78578623d5a16e05e705c03869b4a70a9db4c"

provider "x" {
