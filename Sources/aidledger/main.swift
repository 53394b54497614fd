print("aidledger")
