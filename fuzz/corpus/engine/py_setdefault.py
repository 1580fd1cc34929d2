import os
os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIA7KLFYYLBEG3RHDSV")

import os
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "KAcHcjL254c/mxD05Q5wt3nVGz5olfXOkCLCjl2L")

import os
os.environ.setdefault("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEE1bdGmhXhKT2nUMgdBNEU7z+gYMLOp8m9TjcwIg5gPoUy0lBZF7b1qg41V9cFndXLEXUAMY4d9aE2Zn5nSqn7wFh7bpoEd90HQ81VpL6vS4bC5v/SweQ582e7Pq2Zh2iGrcFfVty71yEOJJDKwrFMjdASskVptVnhQu9KRjQimQrKBz5CIeprgRuHrEw8BW+NVGgsKUqXNKHv2Yedz0/vPFl/RB8Kjlow/RAadThTI/5bjGNdYIyza4LubB/EZ09U+w0qJE4RBP2UQgQ1w4lhmtfUukMkwvnlgXpeXni6B/FfGuHRPaGsojwzBMwe7ZJ8fLsc8ZEn1pAfd956cYEKKsfwgvrmYGnI2uT6gG/On/S7fYJbs+qqdqJmvja")

import os
os.environ.setdefault("AWS_BEARER_TOKEN_BEDROCK", "ABSK/J9glOlwYbWzNxU3pJeBi+momVB7hm/AYW4zMAoGzxlDzjdBxP+4Xp/d0cZFCoxdqj9FOAJJyk3vaXD4DX+D1cLwyTH6pUz+8ninbCrISyzJbpMHLmFgdE4noamWpsrwuHgF=")

import os
os.environ.setdefault("GOOGLE_API_KEY", "AIzaxAOJ_RfULkCHulO-VD8pj2Yid19ZZZsrYrB")

import os
os.environ.setdefault("private_key", "-----BEGIN PRIVATE KEY-----\nMIIDryaxWuR5C0qEw2VT64eWpGhy58Z71zvaTDZPsb7872ksSdjgbnPEqUK/sqIx\neG6SdAeOks/pHNyyyXgRZk04vxbIT/3IILEeJfXqHFbWjctQGWrKEHIbvOLTANlS\n1rZXhOsLs5aU0GI0H9SIgrkcjdY+wJWsWPzYL6ud3JcX3Gt9z65+EMiVLvNOqkZK\nEqreua/vTm+4CGpHuCjNFCCK55YZ5TLk74Xveo5J6yUHzQTlYmkYb4wNeFqGlPxa\n-----END PRIVATE KEY-----\n")

import os
os.environ.setdefault("GOOGLE_CLIENT_SECRET", "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")

import os
os.environ.setdefault("GOOGLE_ACCESS_TOKEN", "ya29.a0jVSCar8OuC8E_8J0bYF7-fcotUkWwayytmU6NGpUlWrEGY8fwSnJV_xtwSVQ0VDW4OBdTsvX0RtJuqhXW4kthxrUtWzCqGx1Fd6hOvkMHkDiKwZl31EGbNz7thmLzUum5EqoQjagksjmoJGttesh72")

import os
os.environ.setdefault("AZURE_CLIENT_SECRET", "UvR6Q~DZhFvDsBOdf5wme-tSZn1yI_lwkivGRVai")

import os
os.environ.setdefault("AZURE_STORAGE_KEY", "QfF4KZYR/V7BL4TbraEHTKXznKrWZHas6b71/1FPO9obI96LVp5oZfGWwZoTwJm6ur8cEp1HILPnegwQjrwVdS==")

import os
os.environ.setdefault("AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=https;AccountName=prodassets;AccountKey=JS+8qpRwrS9PnTIg3g5lZjJdHDvuwqoapVuoe1CLzJIF8c/x7lwiniQ2npzbdUSuNqjshNRWgkUQZ07Onn+QaQ==;EndpointSuffix=core.windows.net")

import os
os.environ.setdefault("AZURE_SAS_URL", "https://prodassetsb2kj.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31T00:00:00Z&st=2026-01-01T00:00:00Z&spr=https&sig=senLCS0Wr3GoCnUpgChxxKWIEgHPk9fRB5jkVdMtTJ1%3D")

import os
os.environ.setdefault("AZURE_DEVOPS_EXT_PAT", "3Qg89xxnuo5T71F8Po86hKQvGX3Hn6XBjfZajtgYVQtTl6VUGtMPb1x65qqfamutzy803ulaaiq9AZDOBzx0")

import os
os.environ.setdefault("AZURE_DEVOPS_PAT", "xqzbc5deesqwihksasmbjixw62csuoubj7d6pzw2u62i44b65p4i")

import os
os.environ.setdefault("SERVICEBUS_CONNECTION_STRING", "Endpoint=sb://orders-prod.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=+wvwEFsrikhGJvEzeOzpMrEOZ8zbDeMQ2uSiR5YMInD=")

import os
os.environ.setdefault("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI91XD41xyWfvpX7YlzyEE")

import os
os.environ.setdefault("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "nAmeiSdGbObyRDUq6Ya2966TDflO6c")

import os
os.environ.setdefault("DIGITALOCEAN_TOKEN", "dop_v1_0cf43c7d37b776138fcdc98b3197f7a925700e2877186af5182cb94145847cdf")

import os
os.environ.setdefault("CLOUDFLARE_API_TOKEN", "60q9mwhtG1ICXreXBFPzIIb07YmoFL6lP7uaroAk")

import os
os.environ.setdefault("CLOUDFLARE_API_KEY", "5f4892b58a2c2f38254260df5ed65bdbe00e6")

import os
os.environ.setdefault("CLOUDFLARE_ORIGIN_CA_KEY", "v1.0-8cfcd02f1f246030a207f3d8-a9505aad9242a8feb9a7075ce35be88b3a3961e6908117b9a3e7067208f622a93bfd47bf525c9a29d006ac03c27b1ec860922120b588c559577f6c57f5156d147ab5005fce1a43cd29")

import os
os.environ.setdefault("GITHUB_TOKEN", "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")

import os
os.environ.setdefault("GH_TOKEN", "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")

import os
os.environ.setdefault("GITHUB_APP_TOKEN", "ghs_8WCXH23jslpGKC1CpXbtWZ0nEfH7wO3YyrsK")

import os
