import hmac
AWS_ACCESS_KEY_ID = b"AKIA7KLFYYLBEG3RHDSV"

import hmac
AWS_SECRET_ACCESS_KEY = b"KAcHcjL254c/mxD05Q5wt3nVGz5olfXOkCLCjl2L"

import hmac
AWS_SESSION_TOKEN = b"IQoJb3JpZ2luX2VjEE1bdGmhXhKT2nUMgdBNEU7z+gYMLOp8m9TjcwIg5gPoUy0lBZF7b1qg41V9cFndXLEXUAMY4d9aE2Zn5nSqn7wFh7bpoEd90HQ81VpL6vS4bC5v/SweQ582e7Pq2Zh2iGrcFfVty71yEOJJDKwrFMjdASskVptVnhQu9KRjQimQrKBz5CIeprgRuHrEw8BW+NVGgsKUqXNKHv2Yedz0/vPFl/RB8Kjlow/RAadThTI/5bjGNdYIyza4LubB/EZ09U+w0qJE4RBP2UQgQ1w4lhmtfUukMkwvnlgXpeXni6B/FfGuHRPaGsojwzBMwe7ZJ8fLsc8ZEn1pAfd956cYEKKsfwgvrmYGnI2uT6gG/On/S7fYJbs+qqdqJmvja"

import hmac
AWS_BEARER_TOKEN_BEDROCK = b"ABSK/J9glOlwYbWzNxU3pJeBi+momVB7hm/AYW4zMAoGzxlDzjdBxP+4Xp/d0cZFCoxdqj9FOAJJyk3vaXD4DX+D1cLwyTH6pUz+8ninbCrISyzJbpMHLmFgdE4noamWpsrwuHgF="

import hmac
GOOGLE_API_KEY = b"AIzaxAOJ_RfULkCHulO-VD8pj2Yid19ZZZsrYrB"

import hmac
private_key = b"-----BEGIN PRIVATE KEY-----\nMIIDryaxWuR5C0qEw2VT64eWpGhy58Z71zvaTDZPsb7872ksSdjgbnPEqUK/sqIx\neG6SdAeOks/pHNyyyXgRZk04vxbIT/3IILEeJfXqHFbWjctQGWrKEHIbvOLTANlS\n1rZXhOsLs5aU0GI0H9SIgrkcjdY+wJWsWPzYL6ud3JcX3Gt9z65+EMiVLvNOqkZK\nEqreua/vTm+4CGpHuCjNFCCK55YZ5TLk74Xveo5J6yUHzQTlYmkYb4wNeFqGlPxa\n-----END PRIVATE KEY-----\n"

import hmac
GOOGLE_CLIENT_SECRET = b"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"

import hmac
GOOGLE_ACCESS_TOKEN = b"ya29.a0jVSCar8OuC8E_8J0bYF7-fcotUkWwayytmU6NGpUlWrEGY8fwSnJV_xtwSVQ0VDW4OBdTsvX0RtJuqhXW4kthxrUtWzCqGx1Fd6hOvkMHkDiKwZl31EGbNz7thmLzUum5EqoQjagksjmoJGttesh72"

import hmac
AZURE_CLIENT_SECRET = b"UvR6Q~DZhFvDsBOdf5wme-tSZn1yI_lwkivGRVai"

import hmac
AZURE_STORAGE_KEY = b"QfF4KZYR/V7BL4TbraEHTKXznKrWZHas6b71/1FPO9obI96LVp5oZfGWwZoTwJm6ur8cEp1HILPnegwQjrwVdS=="

import hmac
AZURE_STORAGE_CONNECTION_STRING = b"DefaultEndpointsProtocol=https;AccountName=prodassets;AccountKey=JS+8qpRwrS9PnTIg3g5lZjJdHDvuwqoapVuoe1CLzJIF8c/x7lwiniQ2npzbdUSuNqjshNRWgkUQZ07Onn+QaQ==;EndpointSuffix=core.windows.net"

import hmac
AZURE_SAS_URL = b"https://prodassetsb2kj.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31T00:00:00Z&st=2026-01-01T00:00:00Z&spr=https&sig=senLCS0Wr3GoCnUpgChxxKWIEgHPk9fRB5jkVdMtTJ1%3D"

import hmac
AZURE_DEVOPS_EXT_PAT = b"3Qg89xxnuo5T71F8Po86hKQvGX3Hn6XBjfZajtgYVQtTl6VUGtMPb1x65qqfamutzy803ulaaiq9AZDOBzx0"

import hmac
AZURE_DEVOPS_PAT = b"xqzbc5deesqwihksasmbjixw62csuoubj7d6pzw2u62i44b65p4i"

import hmac
SERVICEBUS_CONNECTION_STRING = b"Endpoint=sb://orders-prod.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=+wvwEFsrikhGJvEzeOzpMrEOZ8zbDeMQ2uSiR5YMInD="

import hmac
ALIBABA_CLOUD_ACCESS_KEY_ID = b"LTAI91XD41xyWfvpX7YlzyEE"

import hmac
ALIBABA_CLOUD_ACCESS_KEY_SECRET = b"nAmeiSdGbObyRDUq6Ya2966TDflO6c"

import hmac
DIGITALOCEAN_TOKEN = b"dop_v1_0cf43c7d37b776138fcdc98b3197f7a925700e2877186af5182cb94145847cdf"

import hmac
CLOUDFLARE_API_TOKEN = b"60q9mwhtG1ICXreXBFPzIIb07YmoFL6lP7uaroAk"

import hmac
CLOUDFLARE_API_KEY = b"5f4892b58a2c2f38254260df5ed65bdbe00e6"

import hmac
CLOUDFLARE_ORIGIN_CA_KEY = b"v1.0-8cfcd02f1f246030a207f3d8-a9505aad9242a8feb9a7075ce35be88b3a3961e6908117b9a3e7067208f622a93bfd47bf525c9a29d006ac03c27b1ec860922120b588c559577f6c57f5156d147ab5005fce1a43cd29"

import hmac
GITHUB_TOKEN = b"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"

import hmac
GH_TOKEN = b"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"

import hmac
GITHUB_APP_TOKEN = b"ghs_8WCXH23jslpGKC1CpXbtWZ0nEfH7wO3YyrsK"

import hmac
GITHUB_OAUTH_TOKEN = b"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"

import hmac
GITLAB_TOKEN = b"glpat-1gWHkFW73ktx7woqkdHc"

import hmac
GITLAB_PRIVATE_TOKEN = b"glpat-GJansfSpWInccmxPabYP78ZJXCvzJYtJGvyh.01.jeqjc8v28"

import hmac
CI_RUNNER_TOKEN = b"glrt-tIn9JeBcyuH2GxuUeG5b"

import hmac
GITLAB_TRIGGER_TOKEN = b"glptt-83f78578623d5a16e05e705c03869b4a70a9db4c"

import hmac
