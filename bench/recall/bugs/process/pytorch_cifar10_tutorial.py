"""pytorch/pytorch#8494: the "Training a classifier" tutorial iterates DataLoaders with
num_workers=2 at module level; on Windows it crashes with BrokenPipeError (the spawned workers
re-run the script)."""
import torch
import torchvision
import torchvision.transforms as transforms

transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
trainset = torchvision.datasets.CIFAR10(root="./data", train=True, download=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=4, shuffle=True, num_workers=2)

dataiter = iter(trainloader)  # BUG: CCL301
images, labels = next(dataiter)

net = torchvision.models.resnet18(num_classes=10)
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

for epoch in range(2):
    for i, data in enumerate(trainloader, 0):  # BUG: CCL301
        inputs, labels = data
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
